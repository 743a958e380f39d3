import Foundation

/// TKE pod identity: the `pod-identity-webhook` add-on injects `TKE_REGION`, `TKE_PROVIDER_ID`,
/// `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN`; the projected token is exchanged with STS
/// `AssumeRoleWithWebIdentity` (unsigned) for the role's temporary credentials.
///
/// The token file is read again before every exchange: the kubelet rotates it. None of the variables
/// set: nil. Some but not all: a ``CredentialError`` naming the missing ones.
public struct WebIdentityCredentialSource: CredentialSource {
    /// The four variables, in the order they are reported when missing.
    public static let variables = ["TKE_REGION", "TKE_PROVIDER_ID", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN"]

    /// The STS region (`TKE_REGION`; the Go SDK ignores it, Tattle honours it).
    public var region: String
    /// The OIDC provider id (`TKE_PROVIDER_ID`).
    public var providerId: String
    /// The projected service-account token file (`TKE_WEB_IDENTITY_TOKEN_FILE`).
    public var tokenFile: String
    /// The role to assume (`TKE_ROLE_ARN`).
    public var roleArn: String
    /// The STS endpoint.
    public var sts: SecurityTokenService
    /// The role session's lifetime in seconds. Default 7200.
    public var durationSeconds: Int
    let now: @Sendable () -> Date

    /// Creates the source from its parts.
    public init(
        region: String, providerId: String, tokenFile: String, roleArn: String, sts: SecurityTokenService,
        durationSeconds: Int = SecurityTokenService.defaultDurationSeconds,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.providerId = providerId
        self.tokenFile = tokenFile
        self.roleArn = roleArn
        self.sts = sts
        self.durationSeconds = durationSeconds
        self.now = now
    }

    /// The source the `TKE_*` variables describe, or nil when none of them is set.
    /// - Throws: `CredentialError` (`.misconfigured`) naming the variables missing when only some are set.
    public static func fromEnvironment(
        _ environment: [String: String], sts: SecurityTokenService, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(CredentialError) -> WebIdentityCredentialSource? {
        let values = variables.map { environment[$0] ?? "" }
        if values.allSatisfy(\.isEmpty) { return nil }
        let missing = zip(variables, values).filter { $0.1.isEmpty }.map(\.0)
        guard missing.isEmpty else {
            throw CredentialError(
                .misconfigured,
                "TKE pod identity is half configured: \(missing.joined(separator: ", ")) not set; the "
                    + "pod-identity-webhook sets all four when the ServiceAccount has the "
                    + "tke.cloud.tencent.com/role-arn annotation")
        }
        return WebIdentityCredentialSource(
            region: values[0], providerId: values[1], tokenFile: values[2], roleArn: values[3], sts: sts, now: now)
    }

    /// `TKE pod identity <role ARN>`.
    public var name: String { "TKE pod identity \(roleArn)" }

    /// Reads the token file and exchanges it for the role's credentials.
    public func resolve() async throws(CredentialError) -> ExpiringCredentials? {
        guard let data = FileManager.default.contents(atPath: tokenFile) else {
            throw CredentialError(
                .unavailable, "cannot read the TKE web identity token file \(tokenFile) (TKE_WEB_IDENTITY_TOKEN_FILE)")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw CredentialError(.unavailable, "the TKE web identity token file \(tokenFile) is empty")
        }
        let time = now()
        return try await sts.assumeRoleWithWebIdentity(
            providerId: providerId, webIdentityToken: token, roleArn: roleArn,
            sessionName: "tattle-\(Int64(time.timeIntervalSince1970))", durationSeconds: durationSeconds,
            region: region, now: time)
    }
}
