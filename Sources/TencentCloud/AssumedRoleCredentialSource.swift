import Foundation

/// A role assumed with STS `AssumeRole` on top of another source (`TENCENTCLOUD_ROLE_ARN`,
/// `TENCENTCLOUD_ROLE_SESSION_NAME`): the way into another account. The call is signed with the base
/// source's current credentials, refreshed as they are.
public struct AssumedRoleCredentialSource: CredentialSource {
    /// The variable naming the role to assume.
    public static let roleArnVariable = "TENCENTCLOUD_ROLE_ARN"
    /// The variable naming the role session (default `tattle`).
    public static let sessionNameVariable = "TENCENTCLOUD_ROLE_SESSION_NAME"

    /// The role to assume, `qcs::cam::uin/<account>:roleName/<name>`.
    public var roleArn: String
    /// The role session's name, shown in CloudAudit. Default `tattle`.
    public var sessionName: String
    /// The role session's lifetime in seconds. Default 7200.
    public var durationSeconds: Int
    /// The credentials that sign `AssumeRole`.
    public let base: CredentialProvider
    /// The STS endpoint.
    public var sts: SecurityTokenService
    let now: @Sendable () -> Date

    /// Creates the source.
    public init(
        roleArn: String, sessionName: String = "tattle",
        durationSeconds: Int = SecurityTokenService.defaultDurationSeconds, base: CredentialProvider,
        sts: SecurityTokenService, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.durationSeconds = durationSeconds
        self.base = base
        self.sts = sts
        self.now = now
    }

    /// `role <ARN> assumed with <base source>`.
    public var name: String { "role \(roleArn) assumed with \(base.sourceName)" }

    /// The assumed role's current credentials.
    public func resolve() async throws(CredentialError) -> ExpiringCredentials? {
        try await sts.assumeRole(
            roleArn: roleArn, sessionName: sessionName, durationSeconds: durationSeconds, caller: base, now: now)
    }
}
