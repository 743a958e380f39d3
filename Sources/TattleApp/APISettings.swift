import Curl
import Foundation
import Logging
import TencentCloud

/// Where and how the command line reaches the TAT API: region, endpoint, language.
///
/// Resolution order for each: the command-line value, then the environment (`TENCENTCLOUD_REGION`,
/// `TATTLE_ENDPOINT`), then for the region the CVM metadata service (``resolvingRegion(environment:transport:)``),
/// for the endpoint `https://tat.tencentcloudapi.com`.
public struct APISettings: Sendable, Hashable {
    /// The environment variable holding the default region.
    public static let regionVariable = "TENCENTCLOUD_REGION"
    /// The region of the examples and the simulator.
    public static let defaultRegion = "ap-guangzhou"

    /// `X-TC-Region`; nil when neither the command line nor the environment named one (then
    /// ``resolvingRegion(environment:transport:)`` asks the metadata service).
    public var region: String?
    /// The API endpoint. Default `https://tat.tencentcloudapi.com`.
    public var endpoint: Endpoint
    /// `X-TC-Language`. Default nil (not sent).
    public var language: Language?

    /// Creates settings from resolved values.
    public init(region: String? = APISettings.defaultRegion, endpoint: Endpoint = .tat, language: Language? = nil) {
        self.region = region
        self.endpoint = endpoint
        self.language = language
    }

    /// Resolves command-line values (nil when not given) against `environment`.
    /// - Throws: `SettingsError` for a bad endpoint or language.
    public static func resolve(
        region: String?, endpoint: String?, language: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SettingsError) -> APISettings {
        let resolvedRegion = nonEmpty(region) ?? nonEmpty(environment[regionVariable])
        var resolvedEndpoint = Endpoint.tat
        if let text = nonEmpty(endpoint) ?? nonEmpty(environment[APIClient.Configuration.endpointVariable]) {
            guard let parsed = Endpoint(parsing: text) else {
                throw SettingsError("endpoint \"\(text)\" is not http(s)://host[:port]")
            }
            resolvedEndpoint = parsed
        }
        var resolvedLanguage: Language?
        if let text = nonEmpty(language) {
            guard let parsed = Language(rawValue: text) else {
                throw SettingsError("language \"\(text)\" is not zh-CN or en-US")
            }
            resolvedLanguage = parsed
        }
        return APISettings(region: resolvedRegion, endpoint: resolvedEndpoint, language: resolvedLanguage)
    }

    /// These settings with the region filled in: unchanged when one was given, else the TKE cluster's
    /// (`TKE_REGION`, set by the pod-identity-webhook), else the CVM metadata service's
    /// (`TATTLE_METADATA_ENDPOINT` overrides its address).
    /// - Throws: `SettingsError` saying how to set the region when the metadata service does not answer.
    /// - Parameter timeout: the metadata service's limits. Default `MetadataService.defaultTimeout` (connect 1 s).
    public func resolvingRegion(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = CurlClient.shared, timeout: Timeout = MetadataService.defaultTimeout
    ) async throws(SettingsError) -> APISettings {
        guard region == nil else { return self }
        if let cluster = Self.nonEmpty(environment["TKE_REGION"]) {
            var settings = self
            settings.region = cluster
            return settings
        }
        let howTo = "pass --region or set \(Self.regionVariable) (e.g. \(Self.defaultRegion))"
        do {
            let metadata = try MetadataService.fromEnvironment(environment, timeout: timeout, transport: transport)
            guard let found = try await metadata.region() else {
                throw SettingsError(
                    "no region given and the CVM metadata service at \(metadata.endpoint) did not answer: \(howTo)")
            }
            var settings = self
            settings.region = found
            return settings
        } catch let error as SettingsError {
            throw error
        } catch {
            throw SettingsError("no region given and the metadata service could not tell it (\(error)): \(howTo)")
        }
    }

    /// The credential chain for these settings (the STS host follows the endpoint), logging the source
    /// found; see `CredentialChain`. Every secret key and token it fetches is registered with the log
    /// scrubber.
    public static func credentialProvider(
        endpoint: Endpoint, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "tattle.credentials")
    ) async throws(CredentialError) -> CredentialProvider {
        let provider = try await CredentialChain(
            environment: environment, tatEndpoint: endpoint, logger: logger,
            observer: { credentials in
                SecretScrubber.shared.register(credentials.secretKey)
                SecretScrubber.shared.register(credentials.sessionToken)
            }
        ).resolve()
        let expiry = await provider.snapshot?.expiration.map { TATTimeFormat.format($0) } ?? "never"
        logger.info("credentials", metadata: ["source": "\(provider.sourceName)", "expires": "\(expiry)"])
        return provider
    }

    /// A TAT client for these settings, with the default retry and rate limit.
    /// - Parameter transport: default the shared `CurlClient`.
    public func makeClient(credentials: Credentials, transport: (any HTTPTransport)? = nil) -> TATClient {
        makeClient(credentialProvider: CredentialProvider(credentials: credentials), transport: transport)
    }

    /// A TAT client signing with `credentialProvider`'s current credentials.
    /// - Parameter transport: default the shared `CurlClient`.
    public func makeClient(credentialProvider: CredentialProvider, transport: (any HTTPTransport)? = nil) -> TATClient {
        let configuration = APIClient.Configuration(endpoint: endpoint, language: language)
        let api =
            if let transport {
                APIClient(credentialProvider: credentialProvider, configuration: configuration, transport: transport)
            } else {
                APIClient(credentialProvider: credentialProvider, configuration: configuration)
            }
        return TATClient(api: api, defaultRegion: region ?? Self.defaultRegion)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}

/// A command-line API setting is invalid.
public struct SettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
