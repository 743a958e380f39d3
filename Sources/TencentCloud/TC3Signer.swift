import Crypto
import Foundation
import Timekeeping

/// TC3-HMAC-SHA256 request signing, as a pure function of its inputs.
///
/// The canonical request is `POST\n/\n\n<canonical headers>\n<signed headers>\n<hex sha256(body)>`, the
/// string to sign `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex sha256(canonical)>`,
/// and the key is derived as `HMAC(HMAC(HMAC("TC3"+SecretKey, date), service), "tc3_request")`.
/// Every intermediate is returned in `TC3Signature`, for tests and for the simulator's verifier.
public enum TC3Signer {
    /// The algorithm name that starts the Authorization header and the string to sign.
    public static let algorithm = "TC3-HMAC-SHA256"

    /// Which headers are signed.
    public enum SignedHeaders: String, Sendable, Hashable, CaseIterable {
        /// `content-type;host`: what the official Python SDK sends (vector C1). The default.
        case contentTypeHost = "content-type;host"
        /// `content-type;host;x-tc-action` with the action lower-cased: the current official demo.
        case contentTypeHostAction = "content-type;host;x-tc-action"
    }

    /// Signs one POST request.
    /// - Parameters:
    ///   - credentials: only `secretId` and `secretKey` are used; the session token is not signed.
    ///   - service: the credential-scope service, e.g. `tat`.
    ///   - host: the Host header exactly as sent, including `:port` when the URL has one.
    ///   - action: the API action, e.g. `DescribeInvocations`; signed only with `.contentTypeHostAction`.
    ///   - timestamp: Unix seconds, the value of `X-TC-Timestamp`; its UTC date is the scope date.
    ///   - contentType: the Content-Type header exactly as sent. Default `application/json`.
    ///   - body: the exact body bytes sent.
    ///   - signedHeaders: default `.contentTypeHost`.
    public static func sign(
        credentials: Credentials,
        service: String,
        host: String,
        action: String,
        timestamp: Int64,
        contentType: String = "application/json",
        body: [UInt8],
        signedHeaders: SignedHeaders = .contentTypeHost
    ) -> TC3Signature {
        let date = UTCTime.dateString(unixSeconds: timestamp)
        let hashedPayload = hex(SHA256.hash(data: body))
        var canonicalHeaders = "content-type:\(contentType.lowercased())\nhost:\(host.lowercased())\n"
        if signedHeaders == .contentTypeHostAction {
            canonicalHeaders += "x-tc-action:\(action.lowercased())\n"
        }
        let canonicalRequest = "POST\n/\n\n\(canonicalHeaders)\n\(signedHeaders.rawValue)\n\(hashedPayload)"
        let scope = "\(date)/\(service)/tc3_request"
        let hashedCanonicalRequest = hex(SHA256.hash(data: Array(canonicalRequest.utf8)))
        let stringToSign = "\(algorithm)\n\(timestamp)\n\(scope)\n\(hashedCanonicalRequest)"
        let keys = signingKeys(secretKey: credentials.secretKey, date: date, service: service)
        let signature = hex(hmac(key: keys.signing, message: stringToSign))
        let authorization =
            "\(algorithm) Credential=\(credentials.secretId)/\(scope), "
            + "SignedHeaders=\(signedHeaders.rawValue), Signature=\(signature)"
        return TC3Signature(
            date: date, hashedPayload: hashedPayload, canonicalRequest: canonicalRequest,
            hashedCanonicalRequest: hashedCanonicalRequest, stringToSign: stringToSign,
            signature: signature, authorization: authorization)
    }

    /// The derived keys `kDate`, `kService` and `kSigning` for a secret key, scope date and service.
    /// Exposed for test vectors; treat the results as secrets.
    public static func signingKeys(
        secretKey: String, date: String, service: String
    ) -> (date: [UInt8], service: [UInt8], signing: [UInt8]) {
        let kDate = hmac(key: Array(("TC3" + secretKey).utf8), message: date)
        let kService = hmac(key: kDate, message: service)
        let kSigning = hmac(key: kService, message: "tc3_request")
        return (kDate, kService, kSigning)
    }

    /// Lower-case hex of bytes.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hmac(key: [UInt8], message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
    }
}

/// The result of `TC3Signer.sign`: the Authorization header value and every intermediate.
public struct TC3Signature: Sendable, Hashable {
    /// The UTC scope date, `yyyy-MM-dd`.
    public var date: String
    /// Lower-case hex SHA-256 of the body (HashedRequestPayload).
    public var hashedPayload: String
    /// The canonical request (no trailing newline).
    public var canonicalRequest: String
    /// Lower-case hex SHA-256 of the canonical request.
    public var hashedCanonicalRequest: String
    /// The string to sign (no trailing newline).
    public var stringToSign: String
    /// Lower-case hex HMAC-SHA256 of the string to sign with the derived signing key.
    public var signature: String
    /// The full `Authorization` header value.
    public var authorization: String
}
