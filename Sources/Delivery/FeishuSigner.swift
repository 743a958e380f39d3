import Crypto
import Foundation

/// Feishu/Lark custom-bot signing, applied at send time.
///
/// `sign = base64(HMAC-SHA256(key: "<timestamp>\n<secret>", message: empty))` with the timestamp in
/// **seconds** — key and message are swapped compared with DingTalk. `timestamp` (a string) and `sign`
/// go in the JSON body, added structurally: the body is parsed, the keys set, and the object
/// re-encoded, never spliced as text. A wrong signature comes back as code 19021.
public enum FeishuSigner {
    /// The base64 signature for `timestampSeconds`.
    public static func signature(secret: String, timestampSeconds: Int64) -> String {
        let key = SymmetricKey(data: Array("\(timestampSeconds)\n\(secret)".utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: [UInt8](), using: key)
        return Data(mac).base64EncodedString()
    }

    /// `body` (a JSON object) with `timestamp` and `sign` set.
    /// - Throws: ``SigningError`` when the body is not a JSON object.
    public static func sign(body: [UInt8], secret: String, at date: Date) throws -> [UInt8] {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        guard var object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw SigningError("the Feishu/Lark body is not a JSON object; cannot add the signature")
        }
        object["timestamp"] = String(seconds)
        object["sign"] = signature(secret: secret, timestampSeconds: seconds)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Array(data)
    }
}

/// A message that cannot be signed as its platform requires: a permanent failure.
public struct SigningError: Error, Sendable, CustomStringConvertible {
    /// What was wrong (never contains the secret).
    public var description: String

    init(_ description: String) { self.description = description }
}
