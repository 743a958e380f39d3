/// One message to hand to an SMTP server with ``CurlClient/send(_:)``.
public struct MailRequest: Sendable {
    /// `smtp://host:port` (plain or STARTTLS, see ``tls``) or `smtps://host:port` (implicit TLS).
    public var url: String
    /// The AUTH user; `nil` (default) sends no AUTH.
    public var username: String?
    /// The AUTH password; never appears in errors. Default `nil`.
    public var password: String?
    /// The envelope sender, a bare address (`alerts@example.com`).
    public var from: String
    /// The envelope recipients, bare addresses. Every one must be accepted.
    public var recipients: [String]
    /// The complete RFC 5322 message (headers and body) with CRLF line endings, built by the caller.
    public var message: [UInt8]
    /// STARTTLS policy for `smtp://`. Default ``MailTLS/required``.
    public var tls: MailTLS
    /// Per-message limits; `nil` fields fall back to the client's configuration. Default `.init()`.
    public var timeout: Timeout

    /// Makes a mail request.
    public init(
        url: String,
        username: String? = nil,
        password: String? = nil,
        from: String,
        recipients: [String],
        message: [UInt8],
        tls: MailTLS = .required,
        timeout: Timeout = .init()
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.recipients = recipients
        self.message = message
        self.tls = tls
        self.timeout = timeout
    }
}
