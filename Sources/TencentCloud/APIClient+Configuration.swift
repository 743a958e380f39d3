import Curl
import Foundation

extension APIClient {
    /// How an `APIClient` calls the API. Every property has a default.
    public struct Configuration: Sendable {
        /// Where requests go. Default `https://tat.tencentcloudapi.com`.
        public var endpoint: Endpoint
        /// `X-TC-Language`. Default nil (not sent; the server picks).
        public var language: Language?
        /// Which headers are signed. Default `.contentTypeHost`, as the Python SDK does.
        public var signedHeaders: TC3Signer.SignedHeaders
        /// The Content-Type sent and signed. Default `application/json`, as the Python SDK does.
        public var contentType: String
        /// Per-attempt timeouts. Default connect 5 s, total 30 s.
        public var timeout: Timeout
        /// Retries of transient failures. Default `RetryPolicy.default` (4 attempts, 0.5 s base, 8 s cap).
        public var retry: RetryPolicy
        /// Requests per second per action; nil disables client-side limiting. Default 18 (TAT allows 20).
        public var requestsPerSecond: Double?
        /// `X-TC-RequestClient`. Default `tattle/<version>`.
        public var requestClient: String

        /// The version in the default `X-TC-RequestClient`.
        public static let tattleVersion = "0.1.0"
        /// The environment variable that overrides the endpoint.
        public static let endpointVariable = "TATTLE_ENDPOINT"

        /// Creates a configuration; see each property for its default.
        public init(
            endpoint: Endpoint = .tat, language: Language? = nil,
            signedHeaders: TC3Signer.SignedHeaders = .contentTypeHost, contentType: String = "application/json",
            timeout: Timeout = Timeout(connect: .seconds(5), total: .seconds(30)), retry: RetryPolicy = .default,
            requestsPerSecond: Double? = 18, requestClient: String = "tattle/\(Configuration.tattleVersion)"
        ) {
            self.endpoint = endpoint
            self.language = language
            self.signedHeaders = signedHeaders
            self.contentType = contentType
            self.timeout = timeout
            self.retry = retry
            self.requestsPerSecond = requestsPerSecond
            self.requestClient = requestClient
        }

        /// The default configuration with the endpoint taken from `TATTLE_ENDPOINT` when it is set and non-empty.
        /// - Throws: `ClientError` with code `.invalidEndpoint` when the variable is not `http(s)://host[:port]`.
        public static func fromEnvironment(
            _ environment: [String: String] = ProcessInfo.processInfo.environment
        ) throws(ClientError) -> Configuration {
            var configuration = Configuration()
            if let text = environment[endpointVariable], !text.isEmpty {
                configuration.endpoint = try Endpoint.parse(text)
            }
            return configuration
        }
    }
}

extension Endpoint {
    /// Parses `http(s)://host[:port][/]` or throws `ClientError` (`.invalidEndpoint`) quoting the text.
    public static func parse(_ text: String) throws(ClientError) -> Endpoint {
        guard let endpoint = Endpoint(parsing: text) else {
            throw ClientError(
                code: .invalidEndpoint, message: "endpoint \"\(text)\" is not http(s)://host[:port]", isRetryable: false
            )
        }
        return endpoint
    }
}
