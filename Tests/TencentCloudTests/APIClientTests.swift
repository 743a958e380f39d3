import Curl
import Foundation
import TestSupport
import Testing

@testable import TencentCloud

/// The generic call against a scripted transport: headers, signing, errors, retries, cancellation.
@Suite("API client (scripted transport)")
struct APIClientTests {
    static let credentials = Credentials(
        secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        sessionToken: "session-token-SECRET")
    static let fixedNow: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_551_113_065) }

    static func client(
        _ transport: ScriptedTransport, clock: TestClock = TestClock(),
        configuration: APIClient.Configuration = .init()
    ) -> TATClient {
        TATClient(
            api: APIClient(
                credentials: credentials, configuration: configuration, transport: transport, clock: clock,
                now: fixedNow, random: { 1 }))
    }

    @Test("a call sends the documented headers and a signature that verifies over the exact body")
    func headersAndSignature() async throws {
        let transport = ScriptedTransport([.respond(status: 200, body: Fixtures.describeInvocations)])
        var configuration = APIClient.Configuration(endpoint: try Endpoint.parse("http://127.0.0.1:8080"))
        configuration.language = .english
        let response = try await Self.client(transport, configuration: configuration).describeInvocations(
            DescribeInvocationsRequest(limit: 20, offset: 0), region: "ap-shanghai")
        #expect(response.totalCount == 1)
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:8080/")
        #expect(String(decoding: request.body, as: UTF8.self) == #"{"Limit":20,"Offset":0}"#)
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("Host") == "127.0.0.1:8080")
        #expect(request.header("X-TC-Action") == "DescribeInvocations")
        #expect(request.header("X-TC-Timestamp") == "1551113065")
        #expect(request.header("X-TC-Version") == "2020-10-28")
        #expect(request.header("X-TC-Region") == "ap-shanghai")
        #expect(request.header("X-TC-Token") == "session-token-SECRET")
        #expect(request.header("X-TC-Language") == "en-US")
        #expect(request.header("X-TC-RequestClient") == "tattle/\(APIClient.Configuration.tattleVersion)")
        let expected = TC3Signer.sign(
            credentials: Self.credentials, service: "tat", host: "127.0.0.1:8080", action: "DescribeInvocations",
            timestamp: 1_551_113_065, body: request.body)
        #expect(request.header("Authorization") == expected.authorization)
    }

    @Test("the default endpoint and signing match vector C1's Host and SignedHeaders")
    func defaults() throws {
        let api = APIClient(credentials: Self.credentials, transport: ScriptedTransport([]))
        #expect(api.configuration.endpoint.url == "https://tat.tencentcloudapi.com/")
        let request = api.makeRequest(
            service: "tat", action: "DescribeInvocations", version: "2020-10-28", region: nil,
            body: Array(#"{"Limit": 20, "Offset": 0}"#.utf8), timestamp: 1_551_113_065, credentials: Self.credentials)
        #expect(request.header("Host") == "tat.tencentcloudapi.com")
        #expect(request.header("X-TC-Region") == nil)
        #expect(request.header("X-TC-Language") == nil)
        #expect(
            request.header("Authorization")?.hasSuffix(
                "SignedHeaders=content-type;host, Signature=67765f17c15d50fc6186ee3dc52b2879d0b6776a4cb333715306da7d3365cd7e"
            )
                == true)
        #expect(request.timeout == Timeout(connect: .seconds(5), total: .seconds(30)))
    }

    @Test(
        "API errors become APIError with code, message and request id; non-retryable ones are tried once",
        arguments: [
            "AuthFailure.SignatureFailure", "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound",
            "InvalidParameter", "InvalidParameterValue.InvalidInvocationId", "ResourceNotFound.InvocationNotFound",
        ])
    func apiErrors(_ code: String) async throws {
        let transport = ScriptedTransport(
            [], fallback: .respond(status: 200, body: Fixtures.error(code, "nope", requestId: "req-1")))
        let clock = TestClock()
        let error = await #expect(throws: APIError.self) {
            try await Self.client(transport, clock: clock).describeInvocations(DescribeInvocationsRequest())
        }
        #expect(error?.code == code)
        #expect(error?.message == "nope")
        #expect(error?.requestId == "req-1")
        #expect(error?.action == "DescribeInvocations")
        #expect(error?.isRetryable == false)
        #expect(error?.description == "\(code): nope (RequestId: req-1)")
        #expect(transport.callCount == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test(
        "transient API errors are retried with backoff until success",
        arguments: [
            "RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "InternalError", "ServiceUnavailable",
        ])
    func transientThenSuccess(_ code: String) async throws {
        let transport = ScriptedTransport([
            .respond(status: 200, body: Fixtures.error(code)), .respond(status: 200, body: Fixtures.error(code)),
            .respond(status: 200, body: Fixtures.describeInvocations),
        ])
        let clock = TestClock()
        let response = try await Self.client(transport, clock: clock).describeInvocations(DescribeInvocationsRequest())
        #expect(response.invocationSet.count == 1)
        #expect(transport.callCount == 3)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test("retries stop after maxAttempts and the last error is thrown")
    func exhausted() async throws {
        let transport = ScriptedTransport([], fallback: .respond(status: 200, body: Fixtures.error("InternalError")))
        let clock = TestClock()
        let error = await #expect(throws: APIError.self) {
            try await Self.client(transport, clock: clock).describeInvocations(DescribeInvocationsRequest())
        }
        #expect(error?.code == "InternalError")
        #expect(transport.callCount == 4)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(2)])
    }

    @Test(
        "HTTP 5xx is a retryable HTTPStatus error; 4xx is not retried",
        arguments: [(502, 4), (503, 4), (400, 1), (404, 1)])
    func httpStatus(_ status: Int, _ calls: Int) async throws {
        let transport = ScriptedTransport([], fallback: .respond(status: status, body: "<html>bad gateway</html>"))
        let error = await #expect(throws: ClientError.self) {
            try await Self.client(transport).describeInvocations(DescribeInvocationsRequest())
        }
        #expect(error?.code == .httpStatus)
        #expect(error?.httpStatus == status)
        #expect(error?.isRetryable == (status >= 500))
        #expect(error?.message.contains("bad gateway") == true)
        #expect(transport.callCount == calls)
    }

    @Test(
        "malformed bodies are MalformedResponse with a short excerpt, not retried",
        arguments: [
            "not json at all", "{}", #"{"Response": 5}"#, #"{"Response":{"TotalCount":"many"}}"#,
            String(repeating: "x", count: 5000),
        ])
    func malformed(_ body: String) async throws {
        let transport = ScriptedTransport([], fallback: .respond(status: 200, body: body))
        let error = await #expect(throws: ClientError.self) {
            try await Self.client(transport).describeInvocations(DescribeInvocationsRequest())
        }
        #expect(error?.code == .malformedResponse)
        #expect(error?.isRetryable == false)
        #expect((error?.message.count ?? .max) < 600)
        #expect(transport.callCount == 1)
    }

    @Test("retryable network errors are retried; others are not")
    func networkErrors() async throws {
        let reset = CurlError(code: .sendRecv, message: "Connection reset", curlCode: 56, isRetryable: true)
        let transport = ScriptedTransport([.fail(reset), .respond(status: 200, body: Fixtures.describeInvocations)])
        _ = try await Self.client(transport).describeInvocations(DescribeInvocationsRequest())
        #expect(transport.callCount == 2)

        let tls = CurlError(code: .tls, message: "certificate verify failed", curlCode: 60, isRetryable: false)
        let failing = ScriptedTransport([], fallback: .fail(tls))
        let error = await #expect(throws: ClientError.self) {
            try await Self.client(failing).describeInvocations(DescribeInvocationsRequest())
        }
        #expect(error?.code == .network)
        #expect(error?.underlying is CurlError)
        #expect(failing.callCount == 1)
    }

    @Test("cancellation during a request or a backoff stops at once with CancellationError")
    func cancellation() async throws {
        let hanging = ScriptedTransport([], fallback: .hang)
        let client = Self.client(hanging)
        let task = Task { try await client.describeInvocations(DescribeInvocationsRequest()) }
        while hanging.callCount == 0 { await Task.yield() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(hanging.callCount == 1)

        let limited = ScriptedTransport(
            [], fallback: .respond(status: 200, body: Fixtures.error("RequestLimitExceeded")))
        let cancelledTask = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Self.client(limited).describeInvocations(DescribeInvocationsRequest())
        }
        await #expect(throws: CancellationError.self) { try await cancelledTask.value }
        #expect(limited.callCount <= 1)
    }

    @Test("invalid requests throw ValidationError and send nothing")
    func validationBeforeSending() async throws {
        let transport = ScriptedTransport([])
        await #expect(throws: ValidationError.self) {
            try await Self.client(transport).describeInvocations(DescribeInvocationsRequest(limit: 0))
        }
        await #expect(throws: ValidationError.self) {
            try await Self.client(transport).describeInvocationTasks(DescribeInvocationTasksRequest(offset: -1))
        }
        #expect(transport.callCount == 0)
    }

    @Test("no error description or log-facing text contains the secret key or the token")
    func secretsNeverLeak() async throws {
        let steps: [ScriptedTransport.Step] = [
            .respond(status: 200, body: Fixtures.error("AuthFailure.SignatureFailure")),
            .respond(status: 500, body: "oops"), .respond(status: 200, body: "garbage"),
            .fail(CurlError(code: .connect, message: "refused", isRetryable: false)),
        ]
        for step in steps {
            let transport = ScriptedTransport([], fallback: step)
            var configuration = APIClient.Configuration()
            configuration.retry = .none
            do {
                _ = try await Self.client(transport, configuration: configuration).describeInvocations(.init())
                Issue.record("expected an error")
            } catch {
                for text in ["\(error)", String(reflecting: error), error.localizedDescription] {
                    #expect(!text.contains(Self.credentials.secretKey))
                    #expect(!text.contains("session-token-SECRET"))
                }
            }
        }
        for text in ["\(Self.credentials)", String(reflecting: Self.credentials)] {
            #expect(!text.contains(Self.credentials.secretKey))
            #expect(!text.contains("session-token-SECRET"))
            #expect(text.contains("AKID…"))
        }
    }
}
