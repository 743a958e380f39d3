/// A failed transfer. The ``message`` is safe to log: it shows the target only as
/// `scheme://host:port` and never holds a URL's userinfo, path or query, nor a password.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this was. New kinds may be added; do not switch exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Hashable, Sendable {
            case dns, connect, tls, timeout, cancelled, sendRecv, smtpRejected, invalidRequest
            case responseTooLarge, other
        }

        private let kind: Kind

        private init(_ kind: Kind) { self.kind = kind }

        /// The host (or proxy) name did not resolve.
        public static let dns = Code(.dns)
        /// The TCP connection was refused or could not be made.
        public static let connect = Code(.connect)
        /// TLS failed: handshake, certificate verification, or STARTTLS refused when required.
        public static let tls = Code(.tls)
        /// The connect or total timeout expired.
        public static let timeout = Code(.timeout)
        /// The calling task was cancelled or the client shut down.
        public static let cancelled = Code(.cancelled)
        /// The connection broke mid-transfer: reset, closed without a response, partial body.
        public static let sendRecv = Code(.sendRecv)
        /// The SMTP server refused the login, the sender, a recipient or the message.
        /// ``CurlError/responseCode`` holds its reply code.
        public static let smtpRejected = Code(.smtpRejected)
        /// The request itself is unusable: bad URL, unsupported scheme, forbidden characters.
        public static let invalidRequest = Code(.invalidRequest)
        /// The response body exceeded ``CurlClient/Configuration/maxResponseBodySize``.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// Anything else libcurl reported.
        public static let other = Code(.other)

        /// The code's name, e.g. `dns`.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this was.
    public var code: Code
    /// Human text: libcurl's description and details, with the target as `scheme://host:port`.
    public var message: String
    /// The raw `CURLcode` (0 when the failure did not come from libcurl).
    public var curlCode: Int32
    /// The last HTTP status or SMTP reply code received, when known.
    public var responseCode: Int?
    /// Whether trying again later may succeed: network trouble, timeouts and SMTP `4xx` yes;
    /// cancellation, certificate problems, invalid requests and SMTP `5xx` no.
    public var isRetryable: Bool

    /// Makes an error (for fakes and tests; ``CurlClient`` builds the real ones).
    public init(code: Code, message: String, curlCode: Int32 = 0, responseCode: Int? = nil, isRetryable: Bool) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.responseCode = responseCode
        self.isRetryable = isRetryable
    }

    /// `curl error <code> [<kind>]: <message>`.
    public var description: String {
        "curl error \(curlCode) [\(code)]: \(message)"
    }
}

extension CurlError {
    /// A cancellation: the task was cancelled or the client shut down.
    static func cancelled(_ target: String) -> CurlError {
        CurlError(
            code: .cancelled, message: "Transfer cancelled (\(target))", curlCode: 42, isRetryable: false)
    }

    /// A request refused before it reached libcurl.
    static func invalidRequest(_ reason: String) -> CurlError {
        CurlError(code: .invalidRequest, message: reason, curlCode: 0, isRetryable: false)
    }
}
