/// Performs HTTP requests: ``CurlClient`` in production, an in-memory fake in unit tests.
public protocol HTTPExecuting: Sendable {
    /// Performs `request` and returns the response, whatever its status; throws ``CurlError``.
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Hands mail to an SMTP server: ``CurlClient`` in production, an in-memory fake in unit tests.
public protocol MailSending: Sendable {
    /// Sends `mail`; throws ``CurlError`` (`.smtpRejected` with the reply code when refused).
    func send(_ mail: MailRequest) async throws -> MailResponse
}

extension CurlClient: HTTPExecuting, MailSending {}
