import Foundation

/// Credentials from `TENCENTCLOUD_SECRET_ID` and `TENCENTCLOUD_SECRET_KEY`, with a session token under
/// any of `TENCENTCLOUD_SESSION_TOKEN`, `TENCENTCLOUD_TOKEN` or `TENCENTCLOUD_SECURITY_TOKEN`.
///
/// Neither key variable set (or both empty): nil, the chain moves on. Only one of them: a
/// ``CredentialError`` naming the other, since a half-exported key pair is a mistake, not a choice.
public struct EnvironmentCredentialSource: CredentialSource {
    /// The variables read. Default: the process environment.
    public var environment: [String: String]

    /// Reads from `environment` (default: the process environment).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// `environment (TENCENTCLOUD_SECRET_ID)`, plus the token variable's name when one is set.
    public var name: String {
        let token = Credentials.sessionTokenVariables.first { !(environment[$0] ?? "").isEmpty }
        return "environment (\(Credentials.secretIdVariable)" + (token.map { ", \($0)" } ?? "") + ")"
    }

    /// The key pair, or nil when neither variable is set.
    public func resolve() throws(CredentialError) -> ExpiringCredentials? {
        let id = environment[Credentials.secretIdVariable] ?? ""
        let key = environment[Credentials.secretKeyVariable] ?? ""
        if id.isEmpty && key.isEmpty { return nil }
        do {
            return ExpiringCredentials(try Credentials.fromEnvironment(environment))
        } catch {
            throw CredentialError(
                .misconfigured,
                "\(error); set both \(Credentials.secretIdVariable) and \(Credentials.secretKeyVariable), or neither "
                    + "to use a profile file or a CAM role")
        }
    }
}
