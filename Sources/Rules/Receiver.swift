/// A named destination from the rules file, with every `${env:…}` / `${file:…}` reference resolved.
/// The rules module parses and validates it; the delivery module sends to it.
public struct Receiver: Sendable, Hashable {
    /// The name rules refer to.
    public var name: String
    /// The platform: decides the payload, signing, success check and default limits.
    public var platform: Platform
    /// Payload variant of the platform preset: WeCom `text` | `markdown`; DingTalk `text` | `markdown`;
    /// Feishu/Lark `text` | `post`; generic webhook `event` (the envelope) | `template`. Default: the
    /// platform's first.
    public var format: String?
    /// Webhook URL (credentials included: never shown unredacted). `nil` for email.
    public var url: String?
    /// HTTP method for webhooks; default `POST`.
    public var method: String
    /// Extra HTTP headers.
    public var headers: [String: String]
    /// Signing secret: DingTalk "加签" secret, Feishu/Lark signature secret, or a Standard Webhooks
    /// `whsec_…` secret for generic webhooks. Default none.
    public var secret: String?
    /// Mail settings, for `email` receivers.
    public var email: EmailSettings?
    /// Sending rate; `nil` uses the platform's published quota.
    public var rateLimit: RateLimit?
    /// Deliveries in flight at once; `nil` = 1 for platforms that show messages in arrival order,
    /// 8 for generic webhooks.
    public var maxConcurrency: Int?
    /// Retry bounds; `nil` fields use the delivery defaults.
    public var retry: RetryLimits
    /// Total timeout of one attempt in seconds; default 15.
    public var timeoutSeconds: Double?
    /// Largest request body a generic webhook receiver accepts; a digest that would exceed it is
    /// split. `nil` = 256 KiB.
    public var maxBodyBytes: Int?

    public init(
        name: String, platform: Platform, format: String? = nil, url: String? = nil, method: String = "POST",
        headers: [String: String] = [:], secret: String? = nil, email: EmailSettings? = nil,
        rateLimit: RateLimit? = nil, maxConcurrency: Int? = nil, retry: RetryLimits = .init(),
        timeoutSeconds: Double? = nil, maxBodyBytes: Int? = nil
    ) {
        self.name = name
        self.platform = platform
        self.format = format
        self.url = url
        self.method = method
        self.headers = headers
        self.secret = secret
        self.email = email
        self.rateLimit = rateLimit
        self.maxConcurrency = maxConcurrency
        self.retry = retry
        self.timeoutSeconds = timeoutSeconds
        self.maxBodyBytes = maxBodyBytes
    }
}

/// SMTP settings of an `email` receiver.
public struct EmailSettings: Sendable, Hashable {
    /// `smtp://host:587` (STARTTLS) or `smtps://host:465` (implicit TLS).
    public var url: String
    public var username: String?
    /// Never logged.
    public var password: String?
    /// The From address, e.g. `Tattle <tattle@example.com>`.
    public var from: String
    /// Recipient addresses.
    public var to: [String]
    /// Require STARTTLS on `smtp://`; default true except to a loopback host.
    public var requireTLS: Bool?

    public init(
        url: String, username: String? = nil, password: String? = nil, from: String, to: [String],
        requireTLS: Bool? = nil
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.requireTLS = requireTLS
    }
}

/// A token-bucket rate: `count` messages per `perSeconds`, bursts up to `count`.
public struct RateLimit: Sendable, Hashable, Codable {
    public var count: Int
    public var perSeconds: Double

    public init(count: Int, perSeconds: Double) {
        self.count = count
        self.perSeconds = perSeconds
    }
}

/// Per-receiver retry bounds; `nil` means the delivery module's default.
public struct RetryLimits: Sendable, Hashable, Codable {
    /// Attempts before a delivery becomes a dead letter.
    public var maxAttempts: Int?
    /// Age in seconds after which a delivery is no longer retried.
    public var maxAgeSeconds: Double?

    public init(maxAttempts: Int? = nil, maxAgeSeconds: Double? = nil) {
        self.maxAttempts = maxAttempts
        self.maxAgeSeconds = maxAgeSeconds
    }
}
