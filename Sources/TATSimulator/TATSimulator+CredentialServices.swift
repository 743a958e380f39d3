import Foundation
import Logging
import TencentCloud

extension TATSimulator {
    /// Replaces what the metadata service and STS answer; credentials already issued stay valid.
    public func configureCredentialServices(_ change: @Sendable (inout CredentialServices) -> Void) {
        change(&credentialServices)
    }

    /// The metadata service's and STS's state: configuration, issued credentials, call counts.
    public var credentialServicesState: CredentialServices { credentialServices }

    /// Answers the metadata service's paths and the STS actions; nil for a TAT request.
    func answerCredentialService(_ request: WireRequest) -> WireResponse? {
        if request.path.hasPrefix("/latest/meta-data/") { return answerMetadata(path: request.path) }
        switch request.headers["x-tc-action"] {
        case "AssumeRole"?, "AssumeRoleWithWebIdentity"?: return answerSTS(request)
        default: return nil
        }
    }

    /// The TAT endpoint's caller check: issued temporary credentials are accepted with their own token
    /// until they expire (`AuthFailure.TokenFailure` after, or with another credential's token); the
    /// configured permanent keys as before.
    func verifyCaller(
        _ headers: [String: String], action: String, timestamp: Int64, body: [UInt8], service: String = "tat"
    ) throws(APIError) -> String {
        var verifier = verifier
        verifier.service = service
        let secretId = headers["authorization"].flatMap(TC3Authorization.init(parsing:))?.secretId
        let now = configuration.now()
        if let secretId, let issued = credentialServices.issued[secretId] {
            guard headers["x-tc-token"] == issued.credentials.sessionToken else {
                throw APIError(
                    "AuthFailure.TokenFailure", "The token does not belong to the SecretId `\(secretId)`.")
            }
            guard now < issued.expiration else {
                throw APIError(
                    "AuthFailure.TokenFailure",
                    "The token expired at \(TATTimeFormat.format(issued.expiration)); fetch new credentials.")
            }
            verifier.credentials[secretId] = issued.credentials
        } else if let token = headers["x-tc-token"],
            credentialServices.issued.values.contains(where: { $0.credentials.sessionToken == token })
        {
            throw APIError("AuthFailure.TokenFailure", "The token does not belong to the SecretId.")
        }
        return try verifier.verify(headers: headers, action: action, timestamp: timestamp, body: body, now: now)
    }

    private func answerMetadata(path: String) -> WireResponse {
        let services = credentialServices
        let notFound = WireResponse(status: 404, contentType: "text/plain", body: Array("Not Found\n".utf8))
        guard services.metadataEnabled else { return notFound }
        let rest = String(path.dropFirst("/latest/meta-data/".count))
        credentialServices.count("metadata")
        switch rest {
        case "placement/region":
            guard let region = services.region else { return notFound }
            return WireResponse(contentType: "text/plain", body: Array(region.utf8))
        case "cam/security-credentials/", "cam/security-credentials":
            guard let role = services.instanceRole else { return notFound }
            return WireResponse(contentType: "text/plain", body: Array(role.utf8))
        default:
            guard rest.hasPrefix("cam/security-credentials/"), let role = services.instanceRole,
                rest.dropFirst("cam/security-credentials/".count).removingPercentEncoding == role
            else { return notFound }
            if services.refusing {
                credentialServices.count("metadataRefused")
                return .plain(500)
            }
            let issued = credentialServices.issue(by: "metadata", now: configuration.now())
            let payload = TemporaryCredentialsPayload(
                tmpSecretId: issued.credentials.secretId, tmpSecretKey: issued.credentials.secretKey,
                token: issued.credentials.sessionToken ?? "",
                expiredTime: Int64(issued.expiration.timeIntervalSince1970),
                expiration: TATTimeFormat.format(issued.expiration), code: "Success")
            return WireResponse(body: Array((try? JSONEncoder().encode(payload)) ?? Data()))
        }
    }

    private func answerSTS(_ request: WireRequest) -> WireResponse {
        let requestId = UUID().uuidString.lowercased()
        let action = request.headers["x-tc-action"] ?? ""
        guard request.method == "POST" else { return .plain(405) }
        do throws(APIError) {
            guard request.headers["x-tc-version"] == SecurityTokenService.version else {
                throw APIError("NoSuchVersion", "The requested version of service `sts` does not exist.")
            }
            let parameters =
                (try? JSONDecoder().decode([String: JSONValue].self, from: Data(request.body))) ?? [:]
            guard case .string(let roleArn)? = parameters["RoleArn"], roleArn.hasPrefix("qcs::cam::") else {
                throw APIError.invalidParameterValue("RoleArn must be a role ARN `qcs::cam::uin/…:roleName/…`.")
            }
            if action == "AssumeRole" {
                guard let timestamp = request.headers["x-tc-timestamp"].flatMap({ Int64($0) }) else {
                    throw APIError.missingParameter("X-TC-Timestamp")
                }
                _ = try verifyCaller(
                    request.headers, action: action, timestamp: timestamp, body: request.body, service: "sts")
            } else {
                guard request.headers["authorization"] == "SKIP" else {
                    throw APIError.invalidAuthorization
                }
                guard let trusted = credentialServices.webIdentity,
                    case .string(let provider)? = parameters["ProviderId"], provider == trusted.providerId,
                    case .string(let token)? = parameters["WebIdentityToken"], trusted.acceptedTokens.contains(token)
                else {
                    credentialServices.count(action + "Refused")
                    throw APIError(
                        "InvalidParameter.WebIdentityTokenError", "The web identity token is invalid or expired.")
                }
            }
            if credentialServices.refusing {
                credentialServices.count(action + "Refused")
                throw APIError.internalError
            }
            credentialServices.count(action)
            let issued = credentialServices.issue(by: action, now: configuration.now())
            let payload = [
                "Response": AssumedRoleResponse(
                    credentials: TemporaryCredentialsPayload(
                        tmpSecretId: issued.credentials.secretId, tmpSecretKey: issued.credentials.secretKey,
                        token: issued.credentials.sessionToken ?? ""),
                    expiredTime: Int64(issued.expiration.timeIntervalSince1970),
                    expiration: TATTimeFormat.format(issued.expiration), requestId: requestId)
            ]
            return WireResponse(body: Array((try? JSONEncoder().encode(payload)) ?? Data()))
        } catch {
            logger.debug("STS error", metadata: ["code": "\(error.code)", "action": "\(action)"])
            return WireResponse(body: ResponseBuilder.error(error, requestId: requestId))
        }
    }
}
