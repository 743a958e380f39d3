/// The server's final answer to an accepted message.
public struct MailResponse: Sendable {
    /// The last SMTP reply code, `250` when the message was accepted.
    public var code: Int
    /// The last reply line as the server sent it (e.g. `250 Message accepted for delivery`), if seen.
    public var message: String?

    /// Makes a mail response (for fakes and tests; ``CurlClient`` builds the real ones).
    public init(code: Int, message: String? = nil) {
        self.code = code
        self.message = message
    }
}
