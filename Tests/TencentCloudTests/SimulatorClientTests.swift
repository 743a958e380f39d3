import Foundation
import TATSimulator
import TencentCloud
import Testing

/// Tattle's own `TATClient` (libcurl transport, TC3 signer) against the simulator, end to end.
@Suite("TATClient against the simulator", .timeLimit(.minutes(1)))
struct SimulatorClientTests {
    func client(
        _ sim: TATSimulator, credentials: Credentials = TATSimulator.testCredentials,
        signedHeaders: TC3Signer.SignedHeaders = .contentTypeHost
    ) async throws -> TATClient {
        let endpoint = try #require(Endpoint(parsing: await sim.endpoint))
        var configuration = APIClient.Configuration(endpoint: endpoint, signedHeaders: signedHeaders)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return TATClient(credentials: credentials, configuration: configuration)
    }

    @Test("allInvocations pages through a retained backlog; tasks come with output")
    func pagingAndTasks() async throws {
        let sim = try await TATSimulator(configuration: .init(requestsPerSecond: nil))
        try await sim.start()
        await sim.seedRetained(count: 230, active: 5)
        let handle = await sim.addInvocation(
            InvocationSpec(tasks: [
                .init(plan: TaskStep.failing(after: .seconds(1), exitCode: 4, output: "panic: boom\n"))
            ]))
        await sim.advance(by: .seconds(5))
        let tat = try await client(sim)

        let all = try await tat.allInvocations()
        #expect(all.count == 236)
        #expect(all.first?.invocationId == handle.invocationId)
        #expect(all.first?.invocationStatus == "FAILED")
        #expect(await sim.callCount(action: .describeInvocations) == 3)

        let tasks = try await tat.describeInvocationTasks(
            DescribeInvocationTasksRequest(
                filters: [Filter(name: "invocation-id", values: [handle.invocationId])], hideOutput: false))
        #expect(tasks.invocationTaskSet.first?.taskResult?.decodedOutput == "panic: boom\n")
        #expect(tasks.invocationTaskSet.first?.taskResult?.exitCode == 4)

        let actionSigned = try await client(sim, signedHeaders: .contentTypeHostAction)
        #expect(try await actionSigned.describeInvocations(.init(limit: 1)).invocationSet.count == 1)
        await sim.stop()
    }

    @Test("a wrong key surfaces as APIError AuthFailure.SignatureFailure")
    func wrongKey() async throws {
        let sim = try await TATSimulator()
        try await sim.start()
        let wrong = Credentials(secretId: TATSimulator.testCredentials.secretId, secretKey: "wrong")
        let tat = try await client(sim, credentials: wrong)
        await #expect(throws: APIError.self) { _ = try await tat.describeInvocations(.init()) }
        #expect(await sim.calls.last?.errorCode == "AuthFailure.SignatureFailure")
        await sim.stop()
    }
}
