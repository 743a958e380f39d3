import TencentCloud

/// Why a poll cycle was abandoned without committing, when the cause is not an API or client error.
public struct PollError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct over a private enum, so kinds can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case malformedPage = "MalformedPage"
            case incompleteListing = "IncompleteListing"
            case alreadyPolling = "AlreadyPolling"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// A page held an invocation without id or status, or a task without id or status.
        public static let malformedPage = Code(.malformedPage)
        /// A listing could not be read completely (e.g. fewer rows than its TotalCount).
        public static let incompleteListing = Code(.incompleteListing)
        /// `poll()` was called while a cycle of the same region was running.
        public static let alreadyPolling = Code(.alreadyPolling)

        public var description: String { kind.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human explanation.
    public var message: String
    /// The API request id of the offending response, when there was one.
    public var requestId: String?

    /// Creates a poll error.
    public init(code: Code, message: String, requestId: String? = nil) {
        self.code = code
        self.message = message
        self.requestId = requestId
    }

    public var description: String {
        "\(code): \(message)" + (requestId.map { " (RequestId: \($0))" } ?? "")
    }
}

extension Error {
    /// The Tencent Cloud request id carried by the error, if any.
    var tatRequestId: String? {
        switch self {
        case let error as APIError: error.requestId
        case let error as ClientError: error.requestId
        case let error as PollError: error.requestId
        default: nil
        }
    }

    /// A short label for metrics: `auth_failure` (an `AuthFailure.*` answer, or credentials that could not
    /// be found or refreshed), `api_error`, `client_error`, `partial`, `cancelled` or `error`.
    var outcomeLabel: String {
        switch self {
        case let error as APIError where error.isAuthFailure: "auth_failure"
        case is CredentialError: "auth_failure"
        case is APIError: "api_error"
        case is ClientError: "client_error"
        case is PollError: "partial"
        case is CancellationError: "cancelled"
        default: "error"
        }
    }

    /// Whether a detail fetch failing this way may succeed later (so the cycle must not commit without it).
    var isTransientForEnrichment: Bool {
        switch self {
        case let error as APIError: error.isRetryable
        default: true
        }
    }
}
