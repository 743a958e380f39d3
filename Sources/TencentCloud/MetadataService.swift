import Curl
import Foundation

/// The CVM instance metadata service: the bound CAM role, its temporary credentials, and the region.
///
/// Off a CVM the service does not exist, so every call has a short connect timeout (default 1 s) and
/// an unreachable service reads as "not here" (nil), never as a hang. The endpoint is
/// `TATTLE_METADATA_ENDPOINT` when set (tests, private networks), else `http://metadata.tencentyun.com`.
public struct MetadataService: Sendable {
    /// The variable that overrides the endpoint.
    public static let endpointVariable = "TATTLE_METADATA_ENDPOINT"
    /// `http://metadata.tencentyun.com`.
    public static let defaultEndpoint = Endpoint(scheme: "http", host: "metadata.tencentyun.com")
    /// Connect 1 s (off a CVM nothing answers; on one the service answers within milliseconds), total 15 s:
    /// once something has accepted the connection, a slow answer (a loaded host at boot) is waited for
    /// rather than read as "not a CVM", which would stop the daemon.
    public static let defaultTimeout = Timeout(connect: .seconds(1), total: .seconds(15))

    /// Where the service answers. Default ``defaultEndpoint``.
    public var endpoint: Endpoint
    /// Per-request limits. Default connect 1 s, total 15 s.
    public var timeout: Timeout
    let transport: any HTTPTransport

    /// Creates a client for `endpoint` (default ``defaultEndpoint``) over `transport` (default the shared curl).
    public init(
        endpoint: Endpoint = MetadataService.defaultEndpoint,
        timeout: Timeout = MetadataService.defaultTimeout,
        transport: any HTTPTransport = CurlClient.shared
    ) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.transport = transport
    }

    /// The service named by `TATTLE_METADATA_ENDPOINT`, else the default one.
    /// - Throws: `CredentialError` (`.misconfigured`) when the variable is not `http(s)://host[:port]`.
    public static func fromEnvironment(
        _ environment: [String: String], timeout: Timeout = MetadataService.defaultTimeout,
        transport: any HTTPTransport = CurlClient.shared
    ) throws(CredentialError) -> MetadataService {
        guard let text = environment[endpointVariable], !text.isEmpty else {
            return MetadataService(timeout: timeout, transport: transport)
        }
        guard let endpoint = Endpoint(parsing: text) else {
            throw CredentialError(.misconfigured, "\(endpointVariable) \"\(text)\" is not http(s)://host[:port]")
        }
        return MetadataService(endpoint: endpoint, timeout: timeout, transport: transport)
    }

    /// The name of the CAM role bound to this instance; nil when none is bound (404) or there is no
    /// metadata service here.
    public func roleName() async throws(CredentialError) -> String? {
        guard let text = try await get("cam/security-credentials/") else { return nil }
        let name = text.split(whereSeparator: \.isNewline).first.map(String.init)?
            .trimmingCharacters(in: .whitespaces)
        guard let name, !name.isEmpty else { return nil }
        return name
    }

    /// The region this instance runs in (`placement/region`); nil when there is no metadata service.
    public func region() async throws(CredentialError) -> String? {
        guard let text = try await get("placement/region") else { return nil }
        let region = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return region.isEmpty ? nil : region
    }

    /// The role's current temporary credentials.
    /// - Throws: `CredentialError` when the service does not answer or the answer is not `Code: Success`.
    public func roleCredentials(_ role: String) async throws(CredentialError) -> ExpiringCredentials {
        let escaped = role.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? role
        guard let text = try await get("cam/security-credentials/" + escaped) else {
            throw CredentialError(
                .unavailable, "the metadata service at \(endpoint) stopped answering for the role \(role)")
        }
        guard let answer = try? JSONDecoder().decode(TemporaryCredentialsPayload.self, from: Data(text.utf8)),
            let expiry = answer.expiredTime
        else {
            throw CredentialError(
                .unavailable, "the metadata service's credentials for the role \(role) are not the expected JSON")
        }
        guard answer.code == nil || answer.code == "Success" else {
            throw CredentialError(
                .refused, "the metadata service refused credentials for the role \(role): \(answer.code ?? "")")
        }
        return answer.credentials(expiringAt: expiry)
    }

    /// GETs `/latest/meta-data/<path>`: the body on 200, nil on 404 or when nothing answers.
    private func get(_ path: String) async throws(CredentialError) -> String? {
        let request = HTTPRequest(method: "GET", url: endpoint.url + "latest/meta-data/" + path, timeout: timeout)
        let response: HTTPResponse
        do { response = try await transport.execute(request) } catch { return nil }
        switch response.status {
        case 200: return response.bodyText
        case 404: return nil
        default:
            throw CredentialError(
                .unavailable, "the metadata service at \(endpoint) answered HTTP \(response.status) for \(path)")
        }
    }
}
