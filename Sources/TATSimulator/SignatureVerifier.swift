import Foundation
import TencentCloud
import Timekeeping

/// Checks a request's TC3-HMAC-SHA256 signature the way the real API does, by recomputing it with the
/// shared `TC3Signer` over the headers and body bytes exactly as received.
///
/// Order and codes: no or garbled `Authorization`, or a credential scope whose service is not `tat` →
/// `AuthFailure.InvalidAuthorization`; unknown SecretId → `AuthFailure.SecretIdNotFound`;
/// `X-TC-Timestamp` more than `tolerance` from the wall clock → `AuthFailure.SignatureExpire`;
/// a session token that does not match the credential's → `AuthFailure.TokenFailure`; anything else
/// that does not reproduce the signature → `AuthFailure.SignatureFailure`. `content-type;host` (the
/// SDKs) and `content-type;host;x-tc-action` (the official demo) are recomputed with the shared
/// `TC3Signer`; any other set that includes content-type and host with `CanonicalRequest`.
struct SignatureVerifier: Sendable {
    /// Accepted key pairs by SecretId.
    var credentials: [String: Credentials]
    /// The largest accepted distance between `X-TC-Timestamp` and the wall clock. Default 5 minutes.
    var tolerance: Duration = .seconds(300)
    /// The credential-scope service. Default `tat`.
    var service = "tat"

    init(credentials: [Credentials], tolerance: Duration = .seconds(300)) {
        self.credentials = Dictionary(credentials.map { ($0.secretId, $0) }, uniquingKeysWith: { first, _ in first })
        self.tolerance = tolerance
    }

    /// Verifies the request; returns the SecretId that signed it.
    /// - Parameters:
    ///   - headers: header names lower-cased, values exactly as received.
    ///   - timestamp: the parsed `X-TC-Timestamp`.
    ///   - now: the simulator's wall clock.
    func verify(
        headers: [String: String], action: String, timestamp: Int64, body: [UInt8], now: Date
    ) throws(APIError) -> String {
        guard let header = headers["authorization"], let authorization = TC3Authorization(parsing: header) else {
            throw .invalidAuthorization
        }
        guard authorization.service == service else {
            throw APIError(
                "AuthFailure.InvalidAuthorization",
                "The credential scope service `\(authorization.service)` is not `\(service)`.")
        }
        guard let key = credentials[authorization.secretId] else { throw .secretIdNotFound }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance.seconds else {
            throw APIError(
                "AuthFailure.SignatureExpire",
                "Signature expired. Timestamp \(timestamp) differs from the server time "
                    + "\(Int64(now.timeIntervalSince1970)) by more than \(Int(tolerance.seconds)) seconds.")
        }
        if let token = key.sessionToken, headers["x-tc-token"] != token {
            throw APIError("AuthFailure.TokenFailure", "The session token is missing or invalid.")
        }
        // The SDKs' optional `X-TC-Content-SHA256: UNSIGNED-PAYLOAD` signs that literal instead of the body.
        let unsigned = headers["x-tc-content-sha256"] == "UNSIGNED-PAYLOAD"
        let payload = unsigned ? Array("UNSIGNED-PAYLOAD".utf8) : body
        let date = String(TATTimeFormat.format(Date(timeIntervalSince1970: Double(timestamp))).prefix(10))
        guard date == authorization.date else {
            throw APIError(
                "AuthFailure.SignatureFailure",
                "The credential scope date \(authorization.date) is not the UTC date of X-TC-Timestamp (\(date)).")
        }
        let expected: String?
        if let variant = authorization.signedHeadersVariant {
            expected =
                TC3Signer.sign(
                    credentials: key, service: service, host: headers["host"] ?? "", action: action,
                    timestamp: timestamp, contentType: headers["content-type"] ?? "", body: payload,
                    signedHeaders: variant
                ).signature
        } else {
            expected = CanonicalRequest.signature(
                secretKey: key.secretKey, service: service, signedHeaders: authorization.signedHeaders,
                headers: headers, timestamp: timestamp, date: date, payload: payload)
        }
        guard let expected, constantTimeEqual(expected, authorization.signature) else {
            throw .signatureFailure
        }
        return authorization.secretId
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for index in x.indices { diff |= x[index] ^ y[index] }
        return diff == 0
    }
}
