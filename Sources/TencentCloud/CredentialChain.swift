import Curl
import Foundation
import Logging

/// Finds the credentials to use, the way the official SDKs walk their chain, and keeps them fresh.
///
/// Order (the first source configured here wins; a broken one stops the walk with its error):
/// 1. environment: `TENCENTCLOUD_SECRET_ID` / `_KEY` (+ a session token under any of its three names);
/// 2. the profile file (`TENCENTCLOUD_CREDENTIALS_FILE`, `~/.tencentcloud/credentials`,
///    `/etc/tencentcloud/credentials`);
/// 3. TKE pod identity (`TKE_*`, injected by the pod-identity-webhook);
/// 4. the CVM instance role from the metadata service.
/// Then, when `TENCENTCLOUD_ROLE_ARN` is set, that role is assumed with STS on top of the winner.
///
/// TKE pod identity comes before the CVM role, unlike the Python SDK: a TKE node is itself a CVM that
/// often has a role of its own, and the `TKE_*` variables are the pod's explicit identity — the node's
/// role must not win over it. The CVM probe, which costs a connect timeout off a CVM, also comes last.
public struct CredentialChain: Sendable {
    /// The variables read. Default: the process environment.
    public var environment: [String: String]
    /// The TAT endpoint in use, which picks the STS host (China or international). Default `.tat`.
    public var tatEndpoint: Endpoint
    /// Refresh timing for temporary credentials. Default 5-minute window, 30 s retry.
    public var refresh: CredentialProvider.Configuration
    /// The metadata service's per-request limits. Default ``MetadataService/defaultTimeout`` (connect 1 s).
    public var metadataTimeout = MetadataService.defaultTimeout
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    let logger: Logger
    let observer: (@Sendable (Credentials) -> Void)?

    /// Creates a chain over `environment` (default: the process environment).
    /// - Parameters:
    ///   - transport: what the metadata service and STS are called through. Default the shared curl.
    ///   - now: the wall clock expiry is judged by. Default `Date.init`.
    ///   - observer: called with every credential fetched (see ``CredentialProvider``). Default none.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, tatEndpoint: Endpoint = .tat,
        refresh: CredentialProvider.Configuration = .init(), transport: any HTTPTransport = CurlClient.shared,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tattle.credentials"),
        observer: (@Sendable (Credentials) -> Void)? = nil
    ) {
        self.observer = observer
        self.environment = environment
        self.tatEndpoint = tatEndpoint
        self.refresh = refresh
        self.transport = transport
        self.now = now
        self.logger = logger
    }

    /// Walks the chain and returns a provider holding the first credentials found.
    /// - Throws: `CredentialError`: `.notFound` listing every way to provide credentials, or the first
    ///   configured source's failure.
    public func resolve() async throws(CredentialError) -> CredentialProvider {
        let sts = try SecurityTokenService.fromEnvironment(environment, tatEndpoint: tatEndpoint, transport: transport)
        guard let base = try await firstSource(sts: sts) else {
            throw CredentialError(
                .notFound,
                "no credentials found: set \(Credentials.secretIdVariable) and \(Credentials.secretKeyVariable), "
                    + "or write a profile file (\(ProfileCredentialSource.fileVariable), ~/.tencentcloud/credentials), "
                    + "or run on a CVM with a CAM role bound, or in a TKE pod whose ServiceAccount has a role "
                    + "(pod identity)")
        }
        guard let roleArn = environment[AssumedRoleCredentialSource.roleArnVariable], !roleArn.isEmpty else {
            return base
        }
        let session = environment[AssumedRoleCredentialSource.sessionNameVariable].flatMap { $0.isEmpty ? nil : $0 }
        let assumed = AssumedRoleCredentialSource(
            roleArn: roleArn, sessionName: session ?? "tattle", base: base, sts: sts, now: now)
        guard let initial = try await assumed.resolve() else {
            throw CredentialError(.refused, "AssumeRole of \(roleArn) returned no credentials")
        }
        return provider(assumed, initial)
    }

    /// The first source configured here, holding its first credentials; nil when none is.
    func firstSource(sts: SecurityTokenService) async throws(CredentialError) -> CredentialProvider? {
        let environmentSource = EnvironmentCredentialSource(environment: environment)
        if let initial = try environmentSource.resolve() { return provider(environmentSource, initial) }
        let profile = ProfileCredentialSource(environment: environment)
        if let initial = try profile.resolve() { return provider(profile, initial) }
        if let identity = try WebIdentityCredentialSource.fromEnvironment(environment, sts: sts, now: now),
            let initial = try await identity.resolve()
        {
            return provider(identity, initial)
        }
        // Probed last: off a CVM it costs a connect timeout.
        let metadata = try MetadataService.fromEnvironment(environment, timeout: metadataTimeout, transport: transport)
        if let role = try await InstanceRoleCredentialSource(metadata: metadata).discovered(),
            let initial = try await role.resolve()
        {
            return provider(role, initial)
        }
        return nil
    }

    private func provider(_ source: any CredentialSource, _ initial: ExpiringCredentials) -> CredentialProvider {
        CredentialProvider(
            source: source, initial: initial, configuration: refresh, now: now, logger: logger, observer: observer)
    }
}
