import Foundation

/// Credentials with the moment they stop working: nil for permanent keys, a date for the temporary
/// keys of a CAM role (CVM instance role, TKE pod identity, an assumed role).
public struct ExpiringCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The key pair and session token. Their `description` is redacted.
    public var credentials: Credentials
    /// When the server stops accepting them. Default nil: never (permanent keys).
    public var expiration: Date?

    /// Creates credentials that expire at `expiration` (default nil: never).
    public init(_ credentials: Credentials, expiration: Date? = nil) {
        self.credentials = credentials
        self.expiration = expiration
    }

    /// The redacted credentials and the expiry, e.g. `Credentials(secretId: AKID…, …) until 2026-…Z`.
    public var description: String {
        guard let expiration else { return "\(credentials)" }
        return "\(credentials) until \(TATTimeFormat.format(expiration))"
    }
}
