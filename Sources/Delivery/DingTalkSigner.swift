import Crypto
import Foundation

/// DingTalk custom-robot "加签" signing, applied at send time.
///
/// `sign = urlencode(base64(HMAC-SHA256(key: secret, message: "<timestamp>\n<secret>")))` with the
/// timestamp in **milliseconds**; both go in the query string (`&timestamp=…&sign=…`). DingTalk rejects
/// a timestamp more than an hour away with code 310000.
public enum DingTalkSigner {
    /// The base64 signature (not yet percent-encoded) for `timestampMillis`.
    public static func signature(secret: String, timestampMillis: Int64) -> String {
        let message = "\(timestampMillis)\n\(secret)"
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array(message.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// `url` with `timestamp` and `sign` appended to its query (any existing ones replaced).
    public static func sign(url: String, secret: String, at date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let sign = signature(secret: secret, timestampMillis: millis)
        return QueryString.setting(url: url, [("timestamp", String(millis)), ("sign", sign)])
    }
}

/// Query-string editing that keeps everything else in a URL byte for byte.
enum QueryString {
    /// Characters left unescaped in a query value: RFC 3986 unreserved.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes `value` for a query (so `+`, `/` and `=` of base64 survive).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// `url` with the named parameters removed and then appended, values percent-encoded.
    static func setting(url: String, _ items: [(String, String)]) -> String {
        var base = Substring(url)
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = base[..<hash]
        }
        var path = base
        var query: [Substring] = []
        if let mark = base.firstIndex(of: "?") {
            path = base[..<mark]
            query = base[base.index(after: mark)...].split(separator: "&")
        }
        let names = Set(items.map(\.0))
        query.removeAll { pair in names.contains(String(pair.split(separator: "=", maxSplits: 1).first ?? "")) }
        let added = items.map { "\($0.0)=\(encode($0.1))" }
        let joined = (query.map(String.init) + added).joined(separator: "&")
        return "\(path)?\(joined)\(fragment)"
    }
}
