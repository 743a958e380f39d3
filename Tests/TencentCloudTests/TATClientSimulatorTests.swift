import Curl
import Foundation
import TATSimulator
import TestSupport
import Testing

@testable import TencentCloud

/// `TATClient` over real loopback HTTP (libcurl) against the simulator, which verifies every signature.
@Suite("TAT client against the simulator", .timeLimit(.minutes(1)))
struct TATClientSimulatorTests {
    /// Starts a simulator and a client pointed at it (backoff on a recording clock), runs `body`, stops.
    static func withClient(
        credentials: Credentials = TATSimulator.testCredentials, retry: RetryPolicy = .default,
        timeout: Timeout = Timeout(connect: .seconds(5), total: .seconds(20)),
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (TATSimulator, TATClient, TestClock) async throws -> Void
    ) async throws {
        let simulator = try await TATSimulator(configuration: .init())
        try await simulator.start()
        let clock = TestClock()
        let configuration = APIClient.Configuration(
            endpoint: try Endpoint.parse(await simulator.endpoint), timeout: timeout, retry: retry,
            requestsPerSecond: nil)
        let client = TATClient(
            api: APIClient(credentials: credentials, configuration: configuration, clock: clock, now: now))
        do {
            try await body(simulator, client, clock)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    @Test("allInvocations walks every page by Offset, once each, without duplicates")
    func paging() async throws {
        try await Self.withClient { simulator, client, _ in
            await simulator.seedRetained(count: 250, active: 0)
            let all = try await client.allInvocations(pageSize: 100)
            #expect(all.count == 250)
            #expect(Set(all.compactMap(\.invocationId)).count == 250)
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 3)
            #expect(await simulator.calls.map(\.offset) == [0, 100, 200])
            let first = try await client.describeInvocations(DescribeInvocationsRequest(limit: 7, offset: 3))
            #expect(first.totalCount == 250)
            #expect(first.invocationSet.count == 7)
        }
    }

    @Test("tasks: filters by invocation id, pages, and returns decoded output with HideOutput false")
    func tasks() async throws {
        try await Self.withClient { simulator, client, _ in
            let handle = await simulator.addInvocation(
                InvocationSpec(tasks: Array(repeating: .init(plan: TaskStep.succeeding(output: "hello\n")), count: 5)))
            await simulator.advance(by: .seconds(60))
            let invocations = try await client.describeInvocations(
                DescribeInvocationsRequest(invocationIds: [handle.invocationId]))
            #expect(invocations.invocationSet.first?.invocationTaskBasicInfoSet?.count == 5)
            let tasks = try await client.allInvocationTasks(
                filters: [Filter(name: "invocation-id", values: [handle.invocationId])], hideOutput: false, pageSize: 2)
            #expect(tasks.count == 5)
            #expect(tasks.allSatisfy { $0.taskStatus == "SUCCESS" && $0.taskResult?.decodedOutput == "hello\n" })
            #expect(await simulator.callCount(actionName: "DescribeInvocationTasks") == 3)
        }
    }

    @Test("a wrong secret key is AuthFailure.SignatureFailure, tried once, and the key is in no message")
    func signatureFailure() async throws {
        let wrong = Credentials(secretId: TATSimulator.testCredentials.secretId, secretKey: "WRONG-SECRET-KEY-123")
        try await Self.withClient(credentials: wrong) { simulator, client, clock in
            let error = await #expect(throws: APIError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == "AuthFailure.SignatureFailure")
            #expect(error?.requestId?.isEmpty == false)
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 1)
            #expect(clock.sleeps.isEmpty)
            for text in ["\(error!)", String(reflecting: error!), error!.message] {
                #expect(!text.contains("WRONG-SECRET-KEY-123"))
            }
        }
    }

    @Test("an unknown SecretId is AuthFailure.SecretIdNotFound, not retried")
    func secretIdNotFound() async throws {
        let unknown = Credentials(secretId: "AKIDNOBODY", secretKey: "whatever-secret")
        try await Self.withClient(credentials: unknown) { simulator, client, _ in
            let error = await #expect(throws: APIError.self) {
                try await client.describeInvocationTasks(DescribeInvocationTasksRequest())
            }
            #expect(error?.code == "AuthFailure.SecretIdNotFound")
            #expect(error?.isAuthFailure == true)
            #expect(await simulator.callCount(actionName: "DescribeInvocationTasks") == 1)
        }
    }

    // A clock 10 minutes off is now corrected from the answer's `Date` header and signed again once
    // (ClockSkewTests); a SignatureExpire that reveals no skew is still not retried.
    @Test("AuthFailure.SignatureExpire without a server Date to correct from is not retried")
    func signatureExpire() async throws {
        try await Self.withClient { simulator, client, _ in
            await simulator.failNext(1, with: .apiError(code: "AuthFailure.SignatureExpire", message: "expired"))
            let error = await #expect(throws: APIError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == "AuthFailure.SignatureExpire")
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 1)
        }
    }

    @Test(
        "non-retryable API errors surface as they are, after one call",
        arguments: [
            "InvalidParameter", "InvalidParameterValue.InvalidInvocationId", "ResourceNotFound.InvocationNotFound",
            "UnauthorizedOperation.CamAuthFailed",
        ])
    func nonRetryable(_ code: String) async throws {
        try await Self.withClient { simulator, client, clock in
            await simulator.failNext(1, with: .apiError(code: code, message: "scripted \(code)"))
            let error = await #expect(throws: APIError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == code)
            #expect(error?.message == "scripted \(code)")
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 1)
            #expect(clock.sleeps.isEmpty)
        }
    }

    @Test(
        "transient failures are retried with backoff, then the call succeeds",
        arguments: [FaultKind.requestLimitExceeded, .internalError, .http500, .http502, .http503])
    func retriedThenSuccess(_ fault: FaultKind) async throws {
        try await Self.withClient { simulator, client, clock in
            await simulator.seedRetained(count: 3, active: 0)
            await simulator.failNext(2, with: fault)
            let page = try await client.describeInvocations(DescribeInvocationsRequest())
            #expect(page.totalCount == 3)
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 3)
            #expect(clock.sleeps.count == 2)
            #expect(clock.sleeps.allSatisfy { $0 <= .seconds(1) })
        }
    }

    @Test("a transient failure that persists is thrown after maxAttempts calls")
    func exhausted() async throws {
        try await Self.withClient(retry: RetryPolicy(maxAttempts: 3)) { simulator, client, clock in
            await simulator.failNext(5, with: .requestLimitExceeded)
            let error = await #expect(throws: APIError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == "RequestLimitExceeded")
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 3)
            #expect(clock.sleeps.count == 2)
        }
    }

    @Test("malformed JSON is MalformedResponse, not retried")
    func malformed() async throws {
        try await Self.withClient { simulator, client, _ in
            await simulator.failNext(1, with: .malformedJSON)
            let error = await #expect(throws: ClientError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == .malformedResponse)
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 1)
        }
    }

    @Test("a slow answer past the total timeout is a network timeout")
    func timeout() async throws {
        try await Self.withClient(retry: .none, timeout: Timeout(connect: .seconds(2), total: .milliseconds(300))) {
            simulator, client, _ in
            await simulator.failNext(1, with: .slow(.seconds(3)))
            let error = await #expect(throws: ClientError.self) {
                try await client.describeInvocations(DescribeInvocationsRequest())
            }
            #expect(error?.code == .network)
            #expect((error?.underlying as? CurlError)?.code == .timeout)
            #expect(error?.isRetryable == true)
        }
    }

    @Test("cancelling a call in flight ends it with CancellationError and no retry")
    func cancellation() async throws {
        try await Self.withClient { simulator, client, _ in
            await simulator.failNext(1, with: .slow(.seconds(20)))
            let task = Task { try await client.describeInvocations(DescribeInvocationsRequest()) }
            while await simulator.callCount(actionName: "DescribeInvocations") == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(await simulator.callCount(actionName: "DescribeInvocations") == 1)
        }
    }

    @Test("the content-type;host;x-tc-action variant verifies too")
    func actionSignedVariant() async throws {
        let simulator = try await TATSimulator(configuration: .init())
        try await simulator.start()
        var configuration = APIClient.Configuration(
            endpoint: try Endpoint.parse(await simulator.endpoint), requestsPerSecond: nil)
        configuration.signedHeaders = .contentTypeHostAction
        configuration.language = .chinese
        let client = TATClient(credentials: TATSimulator.testCredentials, configuration: configuration)
        await simulator.seedRetained(count: 2, active: 0)
        let page: DescribeInvocationsResponse
        do {
            page = try await client.describeInvocations(DescribeInvocationsRequest(limit: 1))
        } catch {
            await simulator.stop()
            throw error
        }
        await simulator.stop()
        #expect(page.totalCount == 2)
        #expect(page.invocationSet.count == 1)
    }
}
