import CCurl

/// Async HTTP(S) and SMTP over libcurl.
///
/// One client owns one libcurl multi handle driven by one dedicated thread, so hundreds of
/// concurrent requests share keep-alive connections (at most
/// ``Configuration/maxConnectionsPerHost`` per host) and never block the cooperative pool.
/// Cancelling the calling task stops the transfer and throws a `.cancelled` ``CurlError``.
/// Redirects are not followed. Proxies come from the `http_proxy`/`https_proxy`/`no_proxy`
/// environment variables, which libcurl reads itself.
public final class CurlClient: Sendable {
    /// The settings every transfer of this client uses.
    public let configuration: Configuration
    private let loop: TransferLoop

    /// A process-wide client with the default configuration, created on first use.
    public static let shared = CurlClient()

    /// Makes a client and starts its loop thread.
    public init(configuration: Configuration = .init()) {
        _ = Self.globalInit
        self.configuration = configuration
        self.loop = TransferLoop(maxConnectionsPerHost: configuration.maxConnectionsPerHost)
    }

    deinit {
        loop.shutdown()
    }

    /// Performs `request` and returns the response, whatever its status.
    /// - Throws: ``CurlError`` when no response was received, or the task was cancelled.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = try Transfer.http(request, configuration: configuration)
        let result = try await perform(transfer)
        return HTTPResponse(status: result.status, headers: result.headers, body: result.body)
    }

    /// Hands `mail` to the SMTP server at its URL.
    /// - Throws: ``CurlError``; a refusal is `.smtpRejected` with the reply code in `responseCode`.
    public func send(_ mail: MailRequest) async throws -> MailResponse {
        let transfer = try Transfer.mail(mail, configuration: configuration)
        let result = try await perform(transfer)
        return MailResponse(code: result.status, message: result.lastReply)
    }

    /// Stops the loop thread. Pending and later requests fail with `.cancelled`. Idempotent.
    public func shutdown() {
        loop.shutdown()
    }

    private func perform(_ transfer: Transfer) async throws -> Transfer.Result {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                if !loop.submit(transfer) {
                    transfer.completeCancelled()
                }
            }
        } onCancel: {
            loop.cancel(transfer)
        }
    }

    private static let globalInit: Void = {
        _ = tattle_global_init()
    }()
}
