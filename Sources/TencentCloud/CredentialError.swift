/// Credentials could not be found, fetched or refreshed. The message names the source and what to fix,
/// and never contains a secret key or a session token.
public struct CredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong. A struct over a private enum, so cases can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case notFound = "NotFound"
            case misconfigured = "Misconfigured"
            case unavailable = "Unavailable"
            case refused = "Refused"
            case expired = "Expired"
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// No source in the chain had credentials. Not retryable.
        public static let notFound = Code(.notFound)
        /// A source is configured but its configuration is wrong (half-set variables, unreadable file).
        public static let misconfigured = Code(.misconfigured)
        /// The metadata service or STS could not be reached or answered garbage. Retryable.
        public static let unavailable = Code(.unavailable)
        /// The metadata service or STS refused (no role, bad token, access denied). Not retryable.
        public static let refused = Code(.refused)
        /// The credentials in use expired and could not be refreshed. Retryable: the next refresh may work.
        public static let expired = Code(.expired)

        /// `NotFound`, `Misconfigured`, `Unavailable`, `Refused` or `Expired`.
        public var description: String { kind.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// What happened and what to fix.
    public var message: String

    /// Creates the error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether trying again later may succeed (the network, an expired credential awaiting refresh).
    public var isRetryable: Bool { code == .unavailable || code == .expired }

    /// The message.
    public var description: String { message }
}
