import Foundation

/// Temporary credentials as the CVM metadata service and STS send them
/// (`TmpSecretId`, `TmpSecretKey`, `Token`; the metadata service adds `ExpiredTime`, `Expiration`, `Code`).
public struct TemporaryCredentialsPayload: Codable, Sendable, Hashable {
    /// `TmpSecretId`.
    public var tmpSecretId: String
    /// `TmpSecretKey`.
    public var tmpSecretKey: String
    /// `Token`, sent as `X-TC-Token`.
    public var token: String
    /// `ExpiredTime`, unix seconds (the metadata service; STS puts it beside the credentials). Default nil.
    public var expiredTime: Int64?
    /// `Expiration`, RFC 3339 (the metadata service). Default nil.
    public var expiration: String?
    /// `Code`, `Success` (the metadata service). Default nil.
    public var code: String?

    enum CodingKeys: String, CodingKey {
        case tmpSecretId = "TmpSecretId"
        case tmpSecretKey = "TmpSecretKey"
        case token = "Token"
        case expiredTime = "ExpiredTime"
        case expiration = "Expiration"
        case code = "Code"
    }

    /// Creates a payload; the metadata-only fields default to nil.
    public init(
        tmpSecretId: String, tmpSecretKey: String, token: String, expiredTime: Int64? = nil,
        expiration: String? = nil, code: String? = nil
    ) {
        self.tmpSecretId = tmpSecretId
        self.tmpSecretKey = tmpSecretKey
        self.token = token
        self.expiredTime = expiredTime
        self.expiration = expiration
        self.code = code
    }

    /// The credentials, expiring at `expiredTime` unix seconds.
    public func credentials(expiringAt expiredTime: Int64) -> ExpiringCredentials {
        ExpiringCredentials(
            Credentials(secretId: tmpSecretId, secretKey: tmpSecretKey, sessionToken: token),
            expiration: Date(timeIntervalSince1970: Double(expiredTime)))
    }
}

/// The `Response` object of STS `AssumeRole` and `AssumeRoleWithWebIdentity`.
public struct AssumedRoleResponse: Codable, Sendable, Hashable {
    /// `Credentials`.
    public var credentials: TemporaryCredentialsPayload
    /// `ExpiredTime`, unix seconds.
    public var expiredTime: Int64
    /// `Expiration`, RFC 3339. Default nil.
    public var expiration: String?
    /// `RequestId`. Default nil.
    public var requestId: String?

    enum CodingKeys: String, CodingKey {
        case credentials = "Credentials"
        case expiredTime = "ExpiredTime"
        case expiration = "Expiration"
        case requestId = "RequestId"
    }

    /// Creates a response.
    public init(
        credentials: TemporaryCredentialsPayload, expiredTime: Int64, expiration: String? = nil,
        requestId: String? = nil
    ) {
        self.credentials = credentials
        self.expiredTime = expiredTime
        self.expiration = expiration
        self.requestId = requestId
    }
}
