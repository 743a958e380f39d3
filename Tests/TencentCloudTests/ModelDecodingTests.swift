import Events
import Foundation
import Testing

@testable import TencentCloud

/// Decoding of the TAT models: official examples, every status, nulls, time forms, unknown values.
@Suite("TAT model decoding")
struct ModelDecodingTests {
    struct Envelope<R: Decodable>: Decodable {
        var response: R
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    static func date(_ text: String) -> Date { TATTimeFormat.parse(text)! }

    @Test("the official DescribeInvocations example decodes completely")
    func describeInvocationsExample() throws {
        let response = try JSONDecoder().decode(
            Envelope<DescribeInvocationsResponse>.self, from: Data(Fixtures.describeInvocations.utf8)
        ).response
        #expect(response.totalCount == 1)
        #expect(response.requestId == "90b28bd7-2b6e-4e1c-8a4a-9d3b7e4b6c2a")
        let invocation = try #require(response.invocationSet.first)
        #expect(invocation.invocationId == "inv-lpc5d2ns")
        #expect(invocation.commandId == "cmd-bxsj3ttz")
        #expect(invocation.invocationStatus == "SUCCESS")
        #expect(
            invocation.invocationTaskBasicInfoSet
                == [
                    InvocationTaskBasicInfo(
                        invocationTaskId: "invt-8ahl1gu3", taskStatus: "SUCCESS", instanceId: "ins-4dosr6un")
                ])
        #expect(invocation.startTime == Date(timeIntervalSince1970: 1_604_906_519))
        #expect(invocation.endTime == Date(timeIntervalSince1970: 1_604_906_522))
        #expect(invocation.createdTime == Date(timeIntervalSince1970: 1_604_906_519))
        #expect(invocation.updatedTime == Date(timeIntervalSince1970: 1_604_906_522))
        #expect(invocation.parameters == "{}" && invocation.defaultParameters == "{}")
        #expect(invocation.instanceKind == "CVM")
        #expect(invocation.username == "root")
        #expect(invocation.invocationSource == "USER")
        #expect(invocation.commandContent == "IyEvYmluL2Jhc2gKbHM=")
        #expect(invocation.commandType == "SHELL")
        #expect(invocation.timeout == 60)
        #expect(invocation.workingDirectory == "/home/ops/")
        #expect(invocation.outputCOSBucketUrl == "" && invocation.outputCOSKeyPrefix == "")
        #expect(invocation.description == "")
        #expect(invocation.commandName == "")
    }

    @Test("the official DescribeInvocationTasks example decodes, output included")
    func describeInvocationTasksExample() throws {
        let response = try JSONDecoder().decode(
            Envelope<DescribeInvocationTasksResponse>.self, from: Data(Fixtures.describeInvocationTasks.utf8)
        ).response
        #expect(response.totalCount == 1)
        let task = try #require(response.invocationTaskSet.first)
        #expect(task.invocationId == "inv-1vll7hda")
        #expect(task.invocationTaskId == "invt-9cfvc3e5")
        #expect(task.taskStatus == "SUCCESS")
        #expect(task.instanceId == "ins-3jfj2ag0")
        #expect(task.invocationSource?.uppercased() == "USER")
        #expect(task.commandName == "whoami")
        #expect(task.errorInfo == "")
        let result = try #require(task.taskResult)
        #expect(result.exitCode == 0)
        #expect(result.decodedOutput == "root\n")
        #expect(result.dropped == 0)
        #expect(result.execStartTime == Self.date("2021-03-19T07:45:26Z"))
        #expect(result.execEndTime == Self.date("2021-03-19T07:45:27Z"))
        #expect(task.commandDocument?.content == "d2hvYW1p")
        #expect(task.commandDocument?.timeout == 60)
        #expect(task.commandDocument?.username == "root")
        #expect(task.createdTime == Self.date("2021-03-19T07:45:25+00:00"))
    }

    @Test("nulls, missing fields, fractions, garbage times and unknown fields are tolerated")
    func tolerant() throws {
        let invocation = try JSONDecoder().decode(Invocation.self, from: Data(Fixtures.runningInvocation.utf8))
        #expect(invocation.invocationStatus == "RUNNING")
        #expect(invocation.endTime == nil)
        #expect(invocation.updatedTime == nil)
        #expect(invocation.timeout == nil)
        #expect(invocation.commandId == nil)
        let start = try #require(invocation.startTime)
        #expect(abs(start.timeIntervalSince1970 - 1_714_557_600.123) < 0.0005)
        let created = try #require(invocation.createdTime)
        #expect(abs(created.timeIntervalSince1970 - 1_714_557_600.123456) < 0.000_001)
    }

    @Test("an empty object decodes every model with nil fields")
    func emptyObjects() throws {
        let empty = Data("{}".utf8)
        #expect(try JSONDecoder().decode(Invocation.self, from: empty) == Invocation())
        #expect(try JSONDecoder().decode(InvocationTask.self, from: empty) == InvocationTask())
        #expect(try JSONDecoder().decode(TaskResult.self, from: empty) == TaskResult())
        #expect(try JSONDecoder().decode(CommandDocument.self, from: empty) == CommandDocument())
        #expect(
            try JSONDecoder().decode(DescribeInvocationsResponse.self, from: empty) == DescribeInvocationsResponse())
        #expect(
            try JSONDecoder().decode(
                DescribeInvocationTasksResponse.self, from: Data(#"{"InvocationTaskSet":null}"#.utf8))
                == DescribeInvocationTasksResponse())
    }

    @Test(
        "every invocation status decodes, known and unknown",
        arguments: InvocationStatus.known.map(\.rawValue).sorted() + ["SOMETHING_NEW", "success"])
    func invocationStatus(_ status: String) throws {
        let json = #"{"InvocationId":"inv-1","InvocationStatus":"\#(status)"}"#
        let invocation = try JSONDecoder().decode(Invocation.self, from: Data(json.utf8))
        #expect(invocation.invocationStatus == status)
        #expect(
            InvocationStatus(rawValue: status).isTerminal
                == ["SUCCESS", "TIMEOUT", "FAILED", "CANCELLED", "PARTIAL_FAILED", "PARTIAL_CANCELLED"].contains(
                    status.uppercased()))
    }

    @Test(
        "every task status decodes, known and unknown",
        arguments: TaskStatus.known.map(\.rawValue).sorted() + ["SOMETHING_NEW"])
    func taskStatus(_ status: String) throws {
        let json = #"{"InvocationTaskId":"invt-1","TaskStatus":"\#(status)"}"#
        let task = try JSONDecoder().decode(InvocationTask.self, from: Data(json.utf8))
        #expect(task.taskStatus == status)
        let basic = try JSONDecoder().decode(InvocationTaskBasicInfo.self, from: Data(json.utf8))
        #expect(basic.taskStatus == status)
        #expect(
            TaskStatus(rawValue: status).isTerminal == ![
                "PENDING", "DELIVERING", "DELIVER_DELAYED", "RUNNING", "CANCELLING", "SOMETHING_NEW",
            ].contains(status))
    }

    @Test(
        "time forms parse to the same instant",
        arguments: [
            "2020-11-09T07:21:59+00:00", "2020-11-09T07:21:59Z", "2020-11-09T07:21:59.000Z",
            "2020-11-09T07:21:59.000000+00:00", "2020-11-09T15:21:59+08:00", "2020-11-09T15:21:59+0800",
            "2020-11-09 07:21:59", "2020-11-09T07:21:59",
        ])
    func timeForms(_ text: String) {
        #expect(TATTimeFormat.parse(text) == Date(timeIntervalSince1970: 1_604_906_519))
    }

    @Test(
        "unparseable times give nil",
        arguments: [
            "", "yesterday", "2020-13-09T07:21:59Z", "2020-11-09T07:21", "2020-11-09T07:21:59.Z",
            "2020-11-09T07:21:59+00:00 trailing",
        ])
    func badTimes(_ text: String) {
        #expect(TATTimeFormat.parse(text) == nil)
    }

    @Test("encoding writes the API's time form and round-trips")
    func encodeRoundTrip() throws {
        let task = InvocationTask(
            invocationId: "inv-1", invocationTaskId: "invt-1", taskStatus: "FAILED",
            taskResult: TaskResult(exitCode: 2, output: "b29wcw==", execStartTime: Self.date("2020-11-09T07:21:59Z")),
            startTime: Date(timeIntervalSince1970: 1_604_906_519.75), endTime: nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(task), as: UTF8.self)
        #expect(text.contains(#""StartTime":"2020-11-09T07:21:59+00:00""#))
        #expect(text.contains(#""ExecStartTime":"2020-11-09T07:21:59+00:00""#))
        #expect(text.contains(#""EndTime":null"#))
        #expect(text.contains(#""InvocationTaskId":"invt-1""#))
        let back = try JSONDecoder().decode(InvocationTask.self, from: Data(text.utf8))
        #expect(back.startTime == Date(timeIntervalSince1970: 1_604_906_519))
        #expect(back.taskResult?.decodedOutput == "oops")
        #expect(back.taskStatus == "FAILED")
    }

    @Test("requests encode sorted PascalCase keys and omit nil fields, byte for byte like vectors C3/C4")
    func requestEncoding() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let c3 = DescribeInvocationsRequest(
            filters: [Filter(name: "invocation-id", values: ["inv-abcd1234"])], limit: 100, offset: 0)
        #expect(
            String(decoding: try encoder.encode(c3), as: UTF8.self)
                == #"{"Filters":[{"Name":"invocation-id","Values":["inv-abcd1234"]}],"Limit":100,"Offset":0}"#)
        let c4 = DescribeInvocationTasksRequest(invocationTaskIds: ["invt-abcd1234"], hideOutput: false)
        #expect(
            String(decoding: try encoder.encode(c4), as: UTF8.self)
                == #"{"HideOutput":false,"InvocationTaskIds":["invt-abcd1234"]}"#)
        #expect(String(decoding: try encoder.encode(DescribeInvocationsRequest()), as: UTF8.self) == "{}")
        let decoded = try JSONDecoder().decode(
            DescribeInvocationTasksRequest.self,
            from: Data(
                #"{"Offset":0,"Limit":10,"HideOutput":false,"Filters":[{"Name":"invocation-id","Values":["inv-1vll7hda"]}]}"#
                    .utf8))
        #expect(decoded.filters == [Filter(name: "invocation-id", values: ["inv-1vll7hda"])])
        #expect(decoded.limit == 10 && decoded.offset == 0 && decoded.hideOutput == false)
    }
}
