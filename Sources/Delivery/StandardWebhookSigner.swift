import Crypto
import Foundation

/// Standard Webhooks (standardwebhooks.com) headers for generic JSON receivers.
///
/// Every generic webhook carries `webhook-id` (the delivery's idempotency key, stable across
/// retries). With a `whsec_<base64>` secret it also carries `webhook-timestamp` (unix seconds) and
/// `webhook-signature: v1,<base64(HMAC-SHA256(key: base64decode(secret), "<id>.<timestamp>.<body>"))>`.
public enum StandardWebhookSigner {
    /// The prefix of a Standard Webhooks secret: `whsec_`.
    public static let secretPrefix = "whsec_"

    /// The HMAC key of a `whsec_…` secret, or `nil` when `secret` is not one or is not valid base64.
    public static func key(fromSecret secret: String) -> [UInt8]? {
        guard secret.hasPrefix(secretPrefix) else { return nil }
        return Data(base64Encoded: String(secret.dropFirst(secretPrefix.count))).map(Array.init)
    }

    /// `v1,<base64 signature>`.
    public static func signature(key: [UInt8], id: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The headers to send: `webhook-id` always; `webhook-timestamp` and `webhook-signature` when
    /// `secret` is a `whsec_` secret.
    /// - Throws: ``SigningError`` when the secret starts with `whsec_` but is not base64.
    public static func headers(id: String, body: [UInt8], secret: String?, at date: Date) throws -> [(String, String)] {
        var headers = [("webhook-id", id)]
        guard let secret, secret.hasPrefix(secretPrefix) else { return headers }
        guard let key = key(fromSecret: secret) else {
            throw SigningError("the whsec_ secret is not valid base64")
        }
        let timestamp = Int64(date.timeIntervalSince1970.rounded(.down))
        headers.append(("webhook-timestamp", String(timestamp)))
        headers.append(("webhook-signature", signature(key: key, id: id, timestamp: timestamp, body: body)))
        return headers
    }
}
