import Curl
import Foundation
import Logging
import Rules
import TencentCloud

/// Turns an account's ``CredentialSpec`` into a ``CredentialProvider``, with the sources of the
/// credential chain: the whole chain (`chain`), one source of it, or a role assumed with another
/// account's provider. Every secret fetched is registered with the log scrubber.
struct AccountCredentials: Sendable {
    /// The process environment the sources read.
    var environment: [String: String]
    /// What the metadata service and STS are called through. Default the shared curl.
    var transport: any HTTPTransport = CurlClient.shared
    var logger: Logger

    /// The provider of `account`'s credentials, holding its first ones.
    /// - Parameters:
    ///   - endpoint: the account's TAT endpoint (it picks the STS host).
    ///   - bases: the providers of the accounts already resolved, by name (an assumed role's base).
    /// - Throws: `CredentialError` saying what is missing or refused, never a secret.
    func provider(
        for account: Account, endpoint: Endpoint, bases: [String: CredentialProvider]
    ) async throws(CredentialError) -> CredentialProvider {
        var logger = logger
        logger[metadataKey: "account"] = .string(account.name)
        let observer: @Sendable (Credentials) -> Void = { credentials in
            SecretScrubber.shared.register(credentials.secretKey)
            SecretScrubber.shared.register(credentials.sessionToken)
        }
        if case .chain = account.credentials {
            return try await APISettings.credentialProvider(
                endpoint: endpoint, environment: environment, logger: logger)
        }
        let source = try await self.source(for: account, endpoint: endpoint, bases: bases)
        guard let initial = try await source.resolve() else {
            throw CredentialError(.notFound, "\(source.name) provides no credentials here")
        }
        let provider = CredentialProvider(source: source, initial: initial, logger: logger, observer: observer)
        let expiry = initial.expiration.map { TATTimeFormat.format($0) } ?? "never"
        logger.info("credentials", metadata: ["source": "\(provider.sourceName)", "expires": "\(expiry)"])
        return provider
    }

    private func source(
        for account: Account, endpoint: Endpoint, bases: [String: CredentialProvider]
    ) async throws(CredentialError) -> any CredentialSource {
        let sts = try SecurityTokenService.fromEnvironment(environment, tatEndpoint: endpoint, transport: transport)
        switch account.credentials {
        case .chain:
            throw CredentialError(.misconfigured, "the chain has no single source")
        case .environment(let id, let key, let token):
            let source = EnvironmentCredentialSource(
                environment: environment, secretIdVariable: id, secretKeyVariable: key,
                sessionTokenVariables: token.map { [$0] } ?? [])
            guard !(environment[id] ?? "").isEmpty || !(environment[key] ?? "").isEmpty else {
                throw CredentialError(.notFound, "\(id) and \(key) are not set")
            }
            return source
        case .profile(let file, let section):
            var profileEnvironment = environment
            if let file { profileEnvironment[ProfileCredentialSource.fileVariable] = file }
            let source = ProfileCredentialSource(environment: profileEnvironment, section: section)
            guard source.candidates.contains(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw CredentialError(
                    .notFound, "no profile file: \(source.candidates.joined(separator: ", ")) do not exist")
            }
            return source
        case .tkeOIDC(let roleArn):
            guard var source = try WebIdentityCredentialSource.fromEnvironment(environment, sts: sts) else {
                throw CredentialError(
                    .notFound,
                    "TKE pod identity is not set up here: none of \(WebIdentityCredentialSource.variables.joined(separator: ", ")) is set"
                )
            }
            if let roleArn { source.roleArn = roleArn }
            return source
        case .cvmRole(let role):
            let metadata = try MetadataService.fromEnvironment(environment, transport: transport)
            guard let source = try await InstanceRoleCredentialSource(metadata: metadata, role: role).discovered()
            else {
                throw CredentialError(
                    .notFound,
                    "no CAM role is bound to this CVM (or there is no metadata service at \(metadata.endpoint))")
            }
            return source
        case .assumeRole(let roleArn, let base, let sessionName, let duration):
            guard let caller = bases[base] else {
                throw CredentialError(.unavailable, "its base account \"\(base)\" has no credentials")
            }
            return AssumedRoleCredentialSource(
                roleArn: roleArn, sessionName: sessionName ?? "tattle-\(account.name)",
                durationSeconds: duration ?? SecurityTokenService.defaultDurationSeconds, base: caller, sts: sts)
        }
    }
}
