import Curl
import TestSupport
import Testing

@Suite("HTTP failures map to typed, retry-aware errors", .timeLimit(.minutes(1)))
struct HTTPFailureTests {
    /// Runs `request` and returns the `CurlError` it must throw.
    private func failure(_ request: HTTPRequest, client: CurlClient) async throws -> CurlError {
        do {
            let response = try await client.execute(request)
            Issue.record("expected a CurlError, got status \(response.status)")
            throw TestSupportError("no error")
        } catch let error as CurlError {
            return error
        }
    }

    @Test("A closed port is a retryable connect error")
    func connectRefused() async throws {
        let client = CurlClient()
        defer { client.shutdown() }
        let port = try FreePort.pick()

        let error = try await failure(HTTPRequest(url: "http://127.0.0.1:\(port)/x"), client: client)

        #expect(error.code == .connect)
        #expect(error.isRetryable)
        #expect(error.curlCode == 7)
        #expect(error.message.contains("http://127.0.0.1:\(port)"))
    }

    @Test("An unresolvable .invalid host is a dns error")
    func dnsFailure() async throws {
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(HTTPRequest(url: "http://no-such-host.invalid/hook"), client: client)

        #expect(error.code == .dns)
        #expect(error.curlCode == 6)
    }

    @Test("A response slower than the total timeout is a timeout error")
    func totalTimeout() async throws {
        let receiver = try await HTTPReceiver(default: .delay(.seconds(20), then: .status(200))).start()
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(
            HTTPRequest(url: receiver.url, timeout: Timeout(total: .seconds(1))), client: client)
        await receiver.stop()

        // Under load the limit may expire before the server has even read the request: either way
        // the failure must be a retryable timeout.
        #expect(error.code == .timeout)
        #expect(error.isRetryable)
        #expect(error.curlCode == 28)
    }

    @Test("Cancelling the task stops the transfer with .cancelled")
    func cancellation() async throws {
        let receiver = try await HTTPReceiver(default: .delay(.seconds(50), then: .status(200))).start()
        let client = CurlClient()
        defer { client.shutdown() }

        let task = Task {
            try await client.execute(HTTPRequest(url: receiver.url, timeout: Timeout(total: .seconds(55))))
        }
        try await receiver.waitForRequests(count: 1)
        task.cancel()
        let result = await task.result
        await receiver.stop()

        let error = try #require(result.failure as? CurlError, "expected a CurlError, got \(result)")
        #expect(error.code == .cancelled)
        #expect(!error.isRetryable)
    }

    @Test("A task cancelled before it starts never reaches the server")
    func cancelledBeforeStart() async throws {
        let receiver = try await HTTPReceiver().start()
        let client = CurlClient()
        defer { client.shutdown() }

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: receiver.url))
        }
        let result = await task.result
        await receiver.stop()

        #expect((result.failure as? CurlError)?.code == .cancelled)
        #expect(receiver.requests.isEmpty)
    }

    @Test("A connection closed without an answer is a retryable sendRecv error")
    func closedWithoutResponse() async throws {
        let receiver = try await HTTPReceiver(default: .closeConnection).start()
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(HTTPRequest(method: "POST", url: receiver.url, body: [1, 2]), client: client)
        await receiver.stop()

        #expect(error.code == .sendRecv)
        #expect(error.isRetryable)
        #expect(receiver.requests.count >= 1)
    }

    @Test("After shutdown, requests fail with .cancelled")
    func afterShutdown() async throws {
        let client = CurlClient()
        client.shutdown()

        let error = try await failure(HTTPRequest(url: "http://127.0.0.1:9/"), client: client)

        #expect(error.code == .cancelled)
    }

    @Test(
        "Error messages never reveal userinfo, path, query or token",
        arguments: [
            "http://user:hunter2@127.0.0.1:PORT/cgi-bin/webhook/send?key=SECRET",
            "http://no-such-host.invalid/services/T0/B0/SECRET?key=SECRET",
        ])
    func messagesAreScrubbed(template: String) async throws {
        let client = CurlClient()
        defer { client.shutdown() }
        let url = template.replacing("PORT", with: String(try FreePort.pick()))

        let error = try await failure(HTTPRequest(url: url), client: client)

        for secret in ["SECRET", "hunter2", "key=", "/cgi-bin", "webhook", "/services", "user:"] {
            #expect(!error.message.contains(secret), "\(secret) leaked: \(error.message)")
            #expect(!error.description.contains(secret), "\(secret) leaked: \(error.description)")
        }
        #expect(error.code == .connect || error.code == .dns)
    }

    @Test("Header injection is refused before anything is sent")
    func invalidHeader() async throws {
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(
            HTTPRequest(url: "http://127.0.0.1:9/", headers: [HTTPHeader("X-A", "1\r\nX-Evil: 2")]), client: client)

        #expect(error.code == .invalidRequest)
        #expect(!error.isRetryable)
    }

    @Test("A body over maxResponseBodySize fails with .responseTooLarge")
    func bodyTooLarge() async throws {
        let receiver = try await HTTPReceiver(default: .text(200, String(repeating: "x", count: 4096))).start()
        let client = CurlClient(configuration: .init(maxResponseBodySize: 1024))
        defer { client.shutdown() }

        let error = try await failure(HTTPRequest(url: receiver.url), client: client)
        await receiver.stop()

        #expect(error.code == .responseTooLarge)
        #expect(!error.isRetryable)
    }

    @Test("Non-HTTP schemes are refused", arguments: ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://h/"])
    func unsupportedScheme(url: String) async throws {
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(HTTPRequest(url: url), client: client)

        #expect(error.code == .invalidRequest)
    }
}

extension Result {
    /// The error of a failed result.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("Cancellation and shutdown under load", .timeLimit(.minutes(2)))
struct CancellationLoadTests {
    @Test("Fifty in-flight requests all end .cancelled, and the client keeps working")
    func massCancellation() async throws {
        // Slow enough that no request is answered while the last ones are still arriving.
        let slow = try await HTTPReceiver(default: .delay(.seconds(300), then: .status(200))).start()
        let fast = try await HTTPReceiver().start()
        let client = CurlClient(configuration: .init(maxConnectionsPerHost: 64))
        defer { client.shutdown() }

        let tasks = (0..<50).map { index in
            Task { try await client.execute(HTTPRequest(url: slow.url + "/\(index)")) }
        }
        // Fifty connections at once can overflow the receiver's accept backlog on a loaded 2-core
        // machine, and a dropped SYN is retried by the kernel after 1, 3, 7… seconds: wait long.
        try await slow.waitForRequests(count: 50, timeout: .seconds(60))
        for task in tasks { task.cancel() }
        var codes: [CurlError.Code?] = []
        for task in tasks { codes.append((await task.result.failure as? CurlError)?.code) }
        let after = try await client.execute(HTTPRequest(url: fast.url))
        await slow.stop()
        await fast.stop()

        #expect(codes.allSatisfy { $0 == .cancelled })
        #expect(after.status == 200)
    }

    @Test("Shutdown ends an in-flight request with .cancelled")
    func shutdownInFlight() async throws {
        let slow = try await HTTPReceiver(default: .delay(.seconds(50), then: .status(200))).start()
        let client = CurlClient()

        let task = Task { try await client.execute(HTTPRequest(url: slow.url)) }
        try await slow.waitForRequests(count: 1)
        client.shutdown()
        let result = await task.result
        await slow.stop()

        #expect((result.failure as? CurlError)?.code == .cancelled)
    }
}
