import Foundation

/// Credentials from `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`, with a session token under
/// any of `TENCENTCLOUD_SESSION_TOKEN`, `TENCENTCLOUD_TOKEN` or `TENCENTCLOUD_SECURITY_TOKEN` — or
/// from variables of other names (one account of several: `PROD_SECRET_ID`, …).
///
/// Neither key variable set (or both empty): nil, the chain moves on. Only one of them: a
/// ``CredentialError`` naming the other, since a half-exported key pair is a mistake, not a choice.
public struct EnvironmentCredentialSource: CredentialSource {
    /// The variables read. Default: the process environment.
    public var environment: [String: String]
    /// The variable holding the SecretId. Default `TENCENTCLOUD_SECRET_ID`.
    public var secretIdVariable: String
    /// The variable holding the SecretKey. Default `TENCENTCLOUD_SECRET_KEY`.
    public var secretKeyVariable: String
    /// The variables a session token is read from, the first non-empty one wins. Default
    /// ``Credentials/sessionTokenVariables``.
    public var sessionTokenVariables: [String]

    /// Reads from `environment` (default: the process environment), under the standard names unless
    /// others are given.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        secretIdVariable: String = Credentials.secretIdVariable,
        secretKeyVariable: String = Credentials.secretKeyVariable,
        sessionTokenVariables: [String] = Credentials.sessionTokenVariables
    ) {
        self.environment = environment
        self.secretIdVariable = secretIdVariable
        self.secretKeyVariable = secretKeyVariable
        self.sessionTokenVariables = sessionTokenVariables
    }

    /// `environment (TENCENTCLOUD_SECRET_ID)`, plus the token variable's name when one is set.
    public var name: String {
        let token = sessionTokenVariables.first { !(environment[$0] ?? "").isEmpty }
        return "environment (\(secretIdVariable)" + (token.map { ", \($0)" } ?? "") + ")"
    }

    /// The key pair, or nil when neither variable is set.
    public func resolve() throws(CredentialError) -> ExpiringCredentials? {
        let id = environment[secretIdVariable] ?? ""
        let key = environment[secretKeyVariable] ?? ""
        if id.isEmpty && key.isEmpty { return nil }
        guard !id.isEmpty, !key.isEmpty else {
            throw CredentialError(
                .misconfigured,
                "\(CredentialsError(missingVariable: id.isEmpty ? secretIdVariable : secretKeyVariable)); set both "
                    + "\(secretIdVariable) and \(secretKeyVariable), or neither to use a profile file or a CAM role")
        }
        let token = sessionTokenVariables.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return ExpiringCredentials(Credentials(secretId: id, secretKey: key, sessionToken: token))
    }
}
