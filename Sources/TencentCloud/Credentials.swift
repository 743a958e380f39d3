import Foundation
import Secrets

/// A Tencent Cloud API key pair, with the session token of temporary (STS) credentials.
///
/// `description` and `debugDescription` never show the secret key or the token: only the first four
/// characters of the SecretId followed by "…", so credentials can be logged or interpolated safely.
public struct Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The SecretId (`AKID…`). Sent in clear in the Authorization header's credential scope.
    public var secretId: String
    /// The SecretKey. Only ever used as HMAC key material; never logged, never part of an error.
    public var secretKey: String
    /// The session token of temporary credentials, sent as `X-TC-Token`. Default nil.
    public var sessionToken: String?

    /// Creates credentials. `sessionToken` defaults to nil (permanent keys).
    public init(secretId: String, secretKey: String, sessionToken: String? = nil) {
        self.secretId = secretId
        self.secretKey = secretKey
        self.sessionToken = sessionToken
    }

    /// The environment variable holding the SecretId.
    public static let secretIdVariable = "TENCENTCLOUD_SECRET_ID"
    /// The environment variable holding the SecretKey.
    public static let secretKeyVariable = "TENCENTCLOUD_SECRET_KEY"
    /// The environment variable holding the optional session token (third-party code's name).
    public static let sessionTokenVariable = "TENCENTCLOUD_SESSION_TOKEN"
    /// Every name a session token is exported under, in the order they are read: no official SDK
    /// reads one, so all three names in use are accepted (`TENCENTCLOUD_TOKEN` is tccli's,
    /// `TENCENTCLOUD_SECURITY_TOKEN` the Terraform provider's).
    public static let sessionTokenVariables = [
        sessionTokenVariable, "TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SECURITY_TOKEN",
    ]

    /// Reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and the optional session token (the first
    /// non-empty of ``sessionTokenVariables``) from `environment` (default: the process environment).
    /// - Throws: `CredentialsError` naming the first variable that is missing or empty.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(CredentialsError) -> Credentials {
        guard let id = environment[secretIdVariable], !id.isEmpty else {
            throw CredentialsError(missingVariable: secretIdVariable)
        }
        guard let key = environment[secretKeyVariable], !key.isEmpty else {
            throw CredentialsError(missingVariable: secretKeyVariable)
        }
        let token = sessionTokenVariables.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return Credentials(secretId: id, secretKey: key, sessionToken: token)
    }

    /// The SecretId's first four characters followed by "…" (e.g. `AKID…`).
    public var redactedSecretId: String { String(secretId.prefix(4)) + "…" }

    /// `Credentials(secretId: AKID…, secretKey: [redacted], sessionToken: [redacted]|nil)`, with
    /// ``Secrets/SecretSet/placeholder``.
    public var description: String {
        let hidden = SecretSet.placeholder
        return "Credentials(secretId: \(redactedSecretId), secretKey: \(hidden), sessionToken: "
            + (sessionToken == nil ? "nil" : hidden) + ")"
    }

    /// Same as `description`: secrets stay redacted in debug output too.
    public var debugDescription: String { description }
}

/// A required credentials environment variable is missing or empty.
public struct CredentialsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name of the variable that is missing, e.g. `TENCENTCLOUD_SECRET_KEY`.
    public var missingVariable: String

    /// Creates the error for a missing variable.
    public init(missingVariable: String) { self.missingVariable = missingVariable }

    /// A message naming the variable.
    public var description: String {
        "missing credentials: environment variable \(missingVariable) is not set or empty"
    }
}
