import Curl
import Foundation

/// Tencent Cloud STS (service `sts`, version `2018-08-13`): `AssumeRole`, signed with the caller's
/// credentials, and `AssumeRoleWithWebIdentity`, unsigned (`Authorization: SKIP`), for TKE pod identity.
///
/// The endpoint is `TATTLE_STS_ENDPOINT` when set, else `https://sts.tencentcloudapi.com`, or the
/// `intl` host when the TAT endpoint is the international one.
public struct SecurityTokenService: Sendable {
    /// The variable that overrides the endpoint.
    public static let endpointVariable = "TATTLE_STS_ENDPOINT"
    /// The credential-scope service, `sts`.
    public static let service = "sts"
    /// The API version, `2018-08-13`.
    public static let version = "2018-08-13"
    /// `https://sts.tencentcloudapi.com`.
    public static let chinaEndpoint = Endpoint(scheme: "https", host: "sts.tencentcloudapi.com")
    /// `https://sts.intl.tencentcloudapi.com`.
    public static let internationalEndpoint = Endpoint(scheme: "https", host: "sts.intl.tencentcloudapi.com")
    /// The region STS calls are sent to when none is given, as the SDKs do: `ap-guangzhou`.
    public static let defaultRegion = "ap-guangzhou"
    /// The lifetime asked for, in seconds. The SDKs' default, 7200.
    public static let defaultDurationSeconds = 7200

    /// Where requests go.
    public var endpoint: Endpoint
    /// Per-request limits. Default connect 5 s, total 15 s.
    public var timeout: Timeout
    let transport: any HTTPTransport

    /// Creates a client for `endpoint` over `transport` (default the shared curl).
    public init(
        endpoint: Endpoint = SecurityTokenService.chinaEndpoint,
        timeout: Timeout = Timeout(connect: .seconds(5), total: .seconds(15)),
        transport: any HTTPTransport = CurlClient.shared
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.transport = transport
    }

    /// The service named by `TATTLE_STS_ENDPOINT`, else the China or international host matching `tatEndpoint`.
    /// - Throws: `CredentialError` (`.misconfigured`) when the variable is not `http(s)://host[:port]`.
    public static func fromEnvironment(
        _ environment: [String: String], tatEndpoint: Endpoint = .tat, transport: any HTTPTransport = CurlClient.shared
    ) throws(CredentialError) -> SecurityTokenService {
        if let text = environment[endpointVariable], !text.isEmpty {
            guard let endpoint = Endpoint(parsing: text) else {
                throw CredentialError(.misconfigured, "\(endpointVariable) \"\(text)\" is not http(s)://host[:port]")
            }
            return SecurityTokenService(endpoint: endpoint, transport: transport)
        }
        let international = tatEndpoint.host.hasSuffix(".intl.tencentcloudapi.com")
        return SecurityTokenService(
            endpoint: international ? internationalEndpoint : chinaEndpoint, transport: transport)
    }

    /// `AssumeRole` signed by `caller`: temporary credentials of `roleArn`.
    public func assumeRole(
        roleArn: String, sessionName: String, durationSeconds: Int = SecurityTokenService.defaultDurationSeconds,
        region: String = SecurityTokenService.defaultRegion, caller: CredentialProvider,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws(CredentialError) -> ExpiringCredentials {
        struct Body: Encodable {
            var roleArn: String
            var roleSessionName: String
            var durationSeconds: Int
            enum CodingKeys: String, CodingKey {
                case roleArn = "RoleArn"
                case roleSessionName = "RoleSessionName"
                case durationSeconds = "DurationSeconds"
            }
        }
        var configuration = APIClient.Configuration(endpoint: endpoint, timeout: timeout, requestsPerSecond: nil)
        configuration.retry.maxAttempts = 2
        let client = APIClient(
            credentialProvider: caller, configuration: configuration, transport: transport, now: now)
        let parsed: ResponseParser.Parsed<AssumedRoleResponse>
        do {
            parsed = try await client.call(
                service: Self.service, action: "AssumeRole", version: Self.version, region: region,
                bodyBytes: try APIClient.encode(
                    Body(roleArn: roleArn, roleSessionName: sessionName, durationSeconds: durationSeconds),
                    action: "AssumeRole"),
                as: AssumedRoleResponse.self)
        } catch {
            throw Self.failure("AssumeRole of \(roleArn)", error)
        }
        return try Self.credentials(in: parsed.payload, action: "AssumeRole of \(roleArn)")
    }

    /// `AssumeRoleWithWebIdentity`, unsigned: temporary credentials of `roleArn` for an OIDC token.
    public func assumeRoleWithWebIdentity(
        providerId: String, webIdentityToken: String, roleArn: String, sessionName: String,
        durationSeconds: Int = SecurityTokenService.defaultDurationSeconds, region: String,
        now: Date = Date()
    ) async throws(CredentialError) -> ExpiringCredentials {
        struct Body: Encodable {
            var providerId: String
            var webIdentityToken: String
            var roleArn: String
            var roleSessionName: String
            var durationSeconds: Int
            enum CodingKeys: String, CodingKey {
                case providerId = "ProviderId"
                case webIdentityToken = "WebIdentityToken"
                case roleArn = "RoleArn"
                case roleSessionName = "RoleSessionName"
                case durationSeconds = "DurationSeconds"
            }
        }
        let what = "AssumeRoleWithWebIdentity of \(roleArn)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body =
            (try? encoder.encode(
                Body(
                    providerId: providerId, webIdentityToken: webIdentityToken, roleArn: roleArn,
                    roleSessionName: sessionName, durationSeconds: durationSeconds))) ?? Data()
        let request = HTTPRequest(
            method: "POST", url: endpoint.url,
            headers: [
                HTTPHeader("Authorization", "SKIP"), HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Host", endpoint.hostHeader), HTTPHeader("X-TC-Action", "AssumeRoleWithWebIdentity"),
                HTTPHeader("X-TC-Timestamp", String(Int64(now.timeIntervalSince1970))),
                HTTPHeader("X-TC-Version", Self.version), HTTPHeader("X-TC-Region", region),
                HTTPHeader("X-TC-RequestClient", "tattle/\(APIClient.Configuration.tattleVersion)"),
            ],
            body: Array(body), timeout: timeout)
        let parsed: ResponseParser.Parsed<AssumedRoleResponse>
        do {
            parsed = try ResponseParser.parse(
                try await transport.execute(request), action: what, as: AssumedRoleResponse.self)
        } catch let error as CurlError {
            throw CredentialError(.unavailable, "\(what): STS at \(endpoint.hostHeader) unreachable: \(error.message)")
        } catch {
            throw Self.failure(what, error)
        }
        return try Self.credentials(in: parsed.payload, action: what)
    }

    /// Maps a call failure to a `CredentialError` that says what to fix.
    static func failure(_ what: String, _ error: any Error) -> CredentialError {
        if let error = error as? CredentialError { return error }
        if let error = error as? APIError {
            let hint =
                error.isAuthFailure || error.code.hasPrefix("InvalidParameter") || error.code.contains("Permission")
                ? "; check the role's trust policy (who may assume it) and the role ARN" : ""
            return CredentialError(
                error.isRetryable ? .unavailable : .refused, "\(what) was refused: \(error)\(hint)")
        }
        if let error = error as? ClientError {
            return CredentialError(
                error.isRetryable ? .unavailable : .refused,
                "\(what) failed: \(error.code) "
                    + (error.httpStatus.map { "HTTP \($0)" } ?? error.message))
        }
        return CredentialError(.unavailable, "\(what) failed: \(error)")
    }

    /// The credentials in an STS answer. Errors never quote the body: it holds secrets.
    static func credentials(
        in payload: Result<AssumedRoleResponse, any Error>, action: String
    ) throws(CredentialError) -> ExpiringCredentials {
        guard case .success(let answer) = payload else {
            throw CredentialError(.unavailable, "\(action): the STS answer has no Credentials and ExpiredTime")
        }
        return answer.credentials.credentials(expiringAt: answer.expiredTime)
    }
}
