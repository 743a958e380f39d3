import Foundation
import TencentCloud

/// Where and how the command line reaches the TAT API: region, endpoint, language.
///
/// Resolution order for each: the command-line value, then the environment (`TENCENTCLOUD_REGION`,
/// `TATTLE_ENDPOINT`), then the default (`ap-guangzhou`, `https://tat.tencentcloudapi.com`, none).
public struct APISettings: Sendable, Hashable {
    /// The environment variable holding the default region.
    public static let regionVariable = "TENCENTCLOUD_REGION"
    /// The region used when neither the command line nor the environment gives one.
    public static let defaultRegion = "ap-guangzhou"

    /// `X-TC-Region`. Default `ap-guangzhou`.
    public var region: String
    /// The API endpoint. Default `https://tat.tencentcloudapi.com`.
    public var endpoint: Endpoint
    /// `X-TC-Language`. Default nil (not sent).
    public var language: Language?

    /// Creates settings from resolved values.
    public init(region: String = APISettings.defaultRegion, endpoint: Endpoint = .tat, language: Language? = nil) {
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
        let resolvedRegion = nonEmpty(region) ?? nonEmpty(environment[regionVariable]) ?? defaultRegion
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

    /// A TAT client for these settings, with the default retry and rate limit.
    /// - Parameter transport: default the shared `CurlClient`.
    public func makeClient(credentials: Credentials, transport: (any HTTPTransport)? = nil) -> TATClient {
        let configuration = APIClient.Configuration(endpoint: endpoint, language: language)
        let api =
            if let transport {
                APIClient(credentials: credentials, configuration: configuration, transport: transport)
            } else {
                APIClient(credentials: credentials, configuration: configuration)
            }
        return TATClient(api: api, defaultRegion: region)
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
