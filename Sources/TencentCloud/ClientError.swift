/// A failure of a Tencent Cloud call that is not an API error: the network, an HTTP status other than
/// 200, a response that is not the expected JSON, a bad endpoint, or a body that would not encode.
///
/// Messages never contain the secret key, the session token or the Authorization header.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What went wrong. A struct over a private enum, so cases can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case network = "Network"
            case httpStatus = "HTTPStatus"
            case malformedResponse = "MalformedResponse"
            case invalidEndpoint = "InvalidEndpoint"
            case encodingFailed = "EncodingFailed"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// DNS, connect, TLS, timeout or send/receive failure (from curl). Retryable when curl says so.
        public static let network = Code(.network)
        /// The server answered with an HTTP status other than 200. Retryable for 5xx.
        public static let httpStatus = Code(.httpStatus)
        /// HTTP 200, but the body is not `{"Response":{…}}` JSON of the expected shape. Not retryable.
        public static let malformedResponse = Code(.malformedResponse)
        /// The endpoint is not `http(s)://host[:port][/]`. Not retryable.
        public static let invalidEndpoint = Code(.invalidEndpoint)
        /// The request body could not be JSON-encoded. Not retryable.
        public static let encodingFailed = Code(.encodingFailed)

        /// `Network`, `HTTPStatus`, `MalformedResponse`, `InvalidEndpoint` or `EncodingFailed`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A human explanation, with at most a short excerpt of the response body.
    public var message: String
    /// The HTTP status, when there was a response.
    public var httpStatus: Int?
    /// The request id, when the response carried one.
    public var requestId: String?
    /// Whether retrying the same call may succeed.
    public var isRetryable: Bool
    /// The action that failed, e.g. `DescribeInvocations`. Default nil.
    public var action: String?
    /// The underlying error (e.g. a `CurlError`), when there is one.
    public var underlying: (any Error & Sendable)?
    /// The server's `Retry-After` (delta-seconds) on a non-200 answer; the retry waits at least this long,
    /// up to `RetryPolicy.maxDelay`. Default nil.
    public var retryAfter: Duration?

    /// Creates a client error.
    public init(
        code: Code, message: String, httpStatus: Int? = nil, requestId: String? = nil, isRetryable: Bool,
        action: String? = nil, underlying: (any Error & Sendable)? = nil, retryAfter: Duration? = nil
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.isRetryable = isRetryable
        self.action = action
        self.underlying = underlying
        self.retryAfter = retryAfter
    }

    /// `<Code>: <message>[ (HTTP <status>)][ (RequestId: <id>)]`.
    public var description: String {
        var text = "\(code): \(message)"
        if let httpStatus, code != .httpStatus { text += " (HTTP \(httpStatus))" }
        if let requestId { text += " (RequestId: \(requestId))" }
        return text
    }

    /// At most `limit` characters of a response body, control characters replaced, for messages.
    static func excerpt(_ body: [UInt8], limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit * 4), as: UTF8.self)
        var out = String(
            text.prefix(limit).map { $0.isASCII && ($0.asciiValue! < 32 || $0.asciiValue! == 127) ? " " : $0 })
        if text.count > limit || body.count > limit * 4 { out += "…" }
        return out
    }
}
