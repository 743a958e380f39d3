/// A message ready for a transport: the platform payload built structurally from rendered text.
/// Produced by the rules engine's renderer; sent, signed and judged by the delivery module.
public enum RenderedMessage: Sendable, Hashable {
    /// An HTTP request to a webhook.
    case webhook(WebhookMessage)
    /// A mail message.
    case email(EmailMessage)
}

/// The platform a webhook receiver talks to: decides the payload shape, signing and success check.
public struct Platform: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let wecom = Self(rawValue: "wecom")
    public static let dingtalk = Self(rawValue: "dingtalk")
    public static let feishu = Self(rawValue: "feishu")
    public static let lark = Self(rawValue: "lark")
    public static let slack = Self(rawValue: "slack")
    public static let teams = Self(rawValue: "teams")
    public static let discord = Self(rawValue: "discord")
    public static let webhook = Self(rawValue: "webhook")
    public static let email = Self(rawValue: "email")
}

/// A webhook request body and where it goes. Signing that depends on the send time (DingTalk's
/// query `sign`, Feishu's body `sign`, Standard Webhooks headers) is applied by the transport.
public struct WebhookMessage: Sendable, Hashable {
    public var platform: Platform
    /// HTTP method; default POST.
    public var method: String
    /// The full URL, secrets included: never log it (the delivery module redacts).
    public var url: String
    /// Extra headers from the receiver configuration, plus `Content-Type`.
    public var headers: [String: String]
    /// The JSON body bytes, encoded structurally.
    public var body: [UInt8]

    public init(platform: Platform, method: String = "POST", url: String, headers: [String: String], body: [UInt8]) {
        self.platform = platform
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A mail message before MIME encoding (the SMTP transport builds the RFC 5322 message).
public struct EmailMessage: Sendable, Hashable {
    public var subject: String
    public var text: String
    /// Optional HTML alternative.
    public var html: String?

    public init(subject: String, text: String, html: String? = nil) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
