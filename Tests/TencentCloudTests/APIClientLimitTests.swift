import Curl
import InMemoryLogging
import Logging
import TestSupport
import Testing

@testable import TencentCloud

/// Rate limiting, Retry-After and logging of the generic call.
@Suite("API client limits and logs")
struct APIClientLimitTests {
    @Test("calls are rate-limited per action on the injected clock")
    func rateLimited() async throws {
        let transport = ScriptedTransport([])
        let clock = TestClock()
        let client = APIClientTests.client(
            transport, clock: clock, configuration: APIClient.Configuration(requestsPerSecond: 2))
        for _ in 0..<4 {
            _ = try await client.api.call(service: "tat", action: "A", version: "v", region: nil, bodyBytes: [])
        }
        _ = try await client.api.call(service: "tat", action: "B", version: "v", region: nil, bodyBytes: [])
        #expect(transport.callCount == 5)
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
    }

    @Test(
        "Retry-After raises the backoff, capped at maxDelay",
        arguments: [("3", Duration.seconds(3)), ("60", .seconds(8)), ("soon", .milliseconds(500))])
    func retryAfter(_ header: String, _ expected: Duration) async throws {
        let transport = ScriptedTransport([
            .respondWithHeaders(status: 503, headers: [HTTPHeader("Retry-After", header)], body: "busy")
        ])
        let clock = TestClock()
        _ = try await APIClientTests.client(transport, clock: clock).api.call(
            service: "tat", action: "A", version: "v", region: nil, bodyBytes: [])
        #expect(transport.callCount == 2)
        #expect(clock.sleeps == [expected])
    }

    @Test("debug logs of failures and retries never contain the secret key or token")
    func logsAreClean() async throws {
        let sink = InMemoryLogHandler.capturingAll()
        var logger = Logger(label: "test") { _ in sink }
        logger.logLevel = .trace
        let transport = ScriptedTransport(
            [.respond(status: 200, body: Fixtures.error("InternalError")), .respond(status: 502, body: "bad")],
            fallback: .respond(status: 200, body: Fixtures.error("AuthFailure.SignatureFailure")))
        let api = APIClient(
            credentials: APIClientTests.credentials, transport: transport, clock: TestClock(), logger: logger)
        await #expect(throws: APIError.self) {
            try await api.call(service: "tat", action: "A", version: "v", region: nil, bodyBytes: [])
        }
        let lines = sink.lines
        #expect(lines.count >= 3)
        for line in lines {
            #expect(!line.contains(APIClientTests.credentials.secretKey))
            #expect(!line.contains("session-token-SECRET"))
        }
    }
}
