import Foundation
import TATSimulator
import TencentCloud
import Testing

/// The simulator's API surface over real loopback HTTP: signatures, headers, parameter rules, paging,
/// the rate limit and HideOutput.
@Suite("TATSimulator API", .timeLimit(.minutes(1)))
struct SimulatorTests {
    @Test("a correctly signed request is accepted")
    func goodSignature() async throws {
        try await withSimulator { sim, caller async throws in
            let handle = await sim.addInvocation()
            let response = try await caller.invocations()
            #expect(response.totalCount == 1)
            #expect(response.invocationSet.first?.invocationId == handle.invocationId)
            #expect(response.requestId?.count == 36)
        }
    }

    @Test("content-type;host;x-tc-action signatures are accepted too")
    func actionSignedHeaders() async throws {
        try await withSimulator { _, caller async throws in
            var caller = caller
            caller.signedHeaders = .contentTypeHostAction
            #expect(try await caller.call("DescribeInvocations").errorCode == nil)
        }
    }

    @Test("authentication failures carry the documented codes")
    func authFailures() async throws {
        try await withSimulator { _, caller async throws in
            var wrongKey = caller
            wrongKey.credentials = Credentials(secretId: TATSimulator.testCredentials.secretId, secretKey: "nope")
            #expect(try await wrongKey.call("DescribeInvocations").errorCode == "AuthFailure.SignatureFailure")

            var expired = caller
            expired.timestamp = Int64(Date().timeIntervalSince1970) - 301
            #expect(try await expired.call("DescribeInvocations").errorCode == "AuthFailure.SignatureExpire")

            var unknown = caller
            unknown.credentials = Credentials(secretId: "AKIDUNKNOWN", secretKey: "x")
            #expect(try await unknown.call("DescribeInvocations").errorCode == "AuthFailure.SecretIdNotFound")

            var missing = caller
            missing.authorization = ""
            #expect(try await missing.call("DescribeInvocations").errorCode == "AuthFailure.InvalidAuthorization")

            var garbled = caller
            garbled.authorization = "TC3-HMAC-SHA256 Credential=oops"
            #expect(try await garbled.call("DescribeInvocations").errorCode == "AuthFailure.InvalidAuthorization")

            var wrongService = caller
            wrongService.service = "cvm"
            #expect(try await wrongService.call("DescribeInvocations").errorCode == "AuthFailure.InvalidAuthorization")
        }
    }

    @Test("errors come as HTTP 200 with Error and RequestId")
    func errorEnvelope() async throws {
        try await withSimulator { _, caller async throws in
            let reply = try await caller.call("DescribeInvocations", #"{"Limit":0}"#)
            #expect(reply.status == 200)
            let error = try #require(reply.response?["Error"] as? [String: Any])
            #expect(error["Code"] as? String == "InvalidParameterValue.Range")
            #expect((error["Message"] as? String)?.isEmpty == false)
            #expect((reply.response?["RequestId"] as? String)?.count == 36)
        }
    }

    @Test("action, version and region are checked")
    func headerRules() async throws {
        try await withSimulator { _, caller async throws in
            #expect(try await caller.call("RunCommand").errorCode == "InvalidAction")
            var oldVersion = caller
            oldVersion.version = "2017-03-12"
            #expect(try await oldVersion.call("DescribeInvocations").errorCode == "NoSuchVersion")
            var noRegion = caller
            noRegion.region = nil
            #expect(try await noRegion.call("DescribeInvocations").errorCode == "MissingParameter")
        }
    }

    static let parameterCases: [(String, String, String)] = [
        (
            "DescribeInvocations",
            #"{"InvocationIds":[\#((0...100).map { _ in "\"inv-abcd1234\"" }.joined(separator: ","))]}"#,
            "InvalidParameterValue.LimitExceeded"
        ),
        (
            "DescribeInvocations",
            #"{"InvocationIds":["inv-abcd1234"],"Filters":[{"Name":"command-id","Values":["cmd-abcd1234"]}]}"#,
            "InvalidParameter"
        ),
        (
            "DescribeInvocations",
            "{\"Filters\":["
                + Array(repeating: #"{"Name":"instance-kind","Values":["CVM"]}"#, count: 11)
                .joined(separator: ",") + "]}", "InvalidParameterValue.LimitExceeded"
        ),
        (
            "DescribeInvocations",
            #"{"Filters":[{"Name":"invocation-id","Values":["inv-aaaaaaa1","inv-aaaaaaa2","inv-aaaaaaa3","inv-aaaaaaa4","inv-aaaaaaa5","inv-aaaaaaa6"]}]}"#,
            "LimitExceeded.FilterValueExceeded"
        ),
        ("DescribeInvocations", #"{"Filters":[{"Name":"status","Values":["FAILED"]}]}"#, "InvalidFilter"),
        (
            "DescribeInvocations", #"{"Filters":[{"Name":"instance-kind","Values":["EKS"]}]}"#,
            "InvalidParameterValue.InvalidFilter"
        ),
        ("DescribeInvocations", #"{"Limit":101}"#, "InvalidParameterValue.Range"),
        ("DescribeInvocations", #"{"Limit":0}"#, "InvalidParameterValue.Range"),
        ("DescribeInvocations", #"{"Offset":-1}"#, "InvalidParameterValue.Range"),
        ("DescribeInvocations", #"{"Limit":"20"}"#, "InvalidParameter"),
        ("DescribeInvocations", #"{"InvocationIds":["inv-BAD"]}"#, "InvalidParameterValue.InvalidInvocationId"),
        ("DescribeInvocations", #"{"HideOutput":false}"#, "UnknownParameter"),
        ("DescribeInvocations", #"{"Limit":20,"Order":"desc"}"#, "UnknownParameter"),
        ("DescribeInvocations", #"[1,2]"#, "InvalidParameter"),
        (
            "DescribeInvocationTasks", #"{"InvocationTaskIds":["inv-abcd1234"]}"#,
            "InvalidParameterValue.InvalidInvocationTaskId"
        ),
        (
            "DescribeInvocationTasks", #"{"Filters":[{"Name":"instance-id","Values":["i-123"]}]}"#,
            "InvalidParameterValue.InvalidInstanceId"
        ),
        ("DescribeInvocationTasks", #"{"Filters":[{"Name":"instance-kind","Values":["CVM"]}]}"#, "InvalidFilter"),
        ("DescribeInvocationTasks", #"{"HideOutput":"no"}"#, "InvalidParameter"),
    ]

    @Test("parameter rules give the documented codes", arguments: parameterCases)
    func parameterRules(action: String, body: String, code: String) async throws {
        try await withSimulator { _, caller async throws in
            #expect(try await caller.call(action, body).errorCode == code)
        }
    }

    @Test("paging is newest first by CreatedTime with Limit and Offset")
    func pagingNewestFirst() async throws {
        try await withSimulator { sim, caller async throws in
            var created: [String] = []
            for _ in 0..<5 {
                created.append(await sim.addInvocation().invocationId)
                await sim.advance(by: .seconds(1))
            }
            let newestFirst = Array(created.reversed())
            let first = try await caller.invocations(#"{"Limit":2}"#)
            let second = try await caller.invocations(#"{"Limit":2,"Offset":2}"#)
            let third = try await caller.invocations(#"{"Limit":2,"Offset":4}"#)
            #expect(first.totalCount == 5)
            let ids = (first.invocationSet + second.invocationSet + third.invocationSet).compactMap(\.invocationId)
            #expect(ids == newestFirst)
            let defaults = try await caller.invocations()
            #expect(defaults.invocationSet.count == 5)
            let byIds = try await caller.invocations(#"{"InvocationIds":["\#(created[0])","\#(created[3])"]}"#)
            #expect(byIds.invocationSet.compactMap(\.invocationId) == [created[3], created[0]])
            let calls = await sim.calls
            #expect(calls.last?.usedIds == true)
            #expect(calls[1].limit == 2 && calls[1].offset == 2 && calls[1].returnedCount == 2)
        }
    }

    @Test("the rate limit answers RequestLimitExceeded past the limit, per action")
    func rateLimit() async throws {
        // A frozen monotonic clock: every request falls in the same one-second window.
        let configuration = TATSimulator.Configuration(requestsPerSecond: 3, uptime: { .seconds(10) })
        try await withSimulator(configuration) { sim, caller async throws in
            for _ in 0..<3 { #expect(try await caller.call("DescribeInvocations").errorCode == nil) }
            #expect(try await caller.call("DescribeInvocations").errorCode == "RequestLimitExceeded")
            #expect(try await caller.call("DescribeInvocationTasks").errorCode == nil)
            #expect(await sim.callCount(action: .describeInvocations) == 4)
            await sim.setRequestLimit(nil)
            #expect(try await caller.call("DescribeInvocations").errorCode == nil)
        }
    }

    @Test("HideOutput defaults to true; false returns the Base64 output")
    func hideOutput() async throws {
        try await withSimulator { sim, caller async throws in
            let handle = await sim.addInvocation(
                InvocationSpec(tasks: [
                    .init(
                        plan: TaskStep.failing(
                            after: .seconds(1), exitCode: 3, output: "boom\nTraceback: x\n"))
                ]))
            await sim.advance(by: .seconds(5))
            let filter = #""Filters":[{"Name":"invocation-id","Values":["\#(handle.invocationId)"]}]"#
            let hidden = try await caller.tasks("{\(filter)}")
            #expect(hidden.invocationTaskSet.first?.taskResult?.output?.isEmpty == true)
            let shown = try await caller.tasks(#"{"HideOutput":false,\#(filter)}"#)
            let task = try #require(shown.invocationTaskSet.first)
            #expect(task.taskResult?.decodedOutput == "boom\nTraceback: x\n")
            #expect(task.taskResult?.exitCode == 3)
            #expect(task.taskStatus == "FAILED")
            #expect(task.errorInfo?.isEmpty == false)
            #expect(task.endTime != nil && task.createdTime != nil)
        }
    }
}
