import Foundation
import Rules

/// Keeps credentials out of everything Tattle logs, stores, counts or shows.
///
/// Webhook URLs carry their credential in the query (`?key=`, `?access_token=`, `&sig=`) or the path
/// (Slack `/services/T/B/X`, Discord `/webhooks/ID/TOKEN`, Feishu `/hook/TOKEN`); SMTP URLs may carry
/// `user:pass@`. ``scrub(_:)`` replaces every configured secret, and the credential parts of every
/// configured URL, in free text (error messages, response excerpts) with ``placeholder``.
/// ``display(_:)`` and ``origin(_:)`` make a URL safe to show.
public struct Redactor: Sendable, Hashable {
    /// What replaces a secret in scrubbed text: `[redacted]`.
    public static let placeholder = "[redacted]"
    /// Shortest URL part treated as a credential when derived from a URL: 6 characters (shorter
    /// path or query pieces are words like `send`, `hook`). Explicit secrets count from 3.
    public static let minimumDerivedLength = 6

    /// The strings to remove, longest first so a longer secret goes before its parts.
    public private(set) var secrets: [String]

    /// A redactor that knows `secrets` (explicit secrets: signing keys, passwords) and the credential
    /// parts of `urls`.
    public init(secrets: [String] = [], urls: [String] = []) {
        var all = Set<String>()
        for secret in secrets where secret.count >= 3 {
            all.insert(secret)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                all.insert(encoded)
            }
        }
        for url in urls { all.formUnion(Self.credentialParts(of: url)) }
        self.secrets = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// A redactor for the secrets of these receivers: URLs, signing secrets, SMTP URLs, users and passwords.
    public init(receivers: [Receiver]) {
        var secrets: [String] = []
        var urls: [String] = []
        for receiver in receivers {
            if let url = receiver.url { urls.append(url) }
            if let secret = receiver.secret {
                secrets.append(secret)
                if secret.hasPrefix("whsec_") { secrets.append(String(secret.dropFirst(6))) }
            }
            if let email = receiver.email {
                urls.append(email.url)
                if let password = email.password { secrets.append(password) }
            }
            for (name, value) in receiver.headers where Self.isCredentialHeader(name) { secrets.append(value) }
        }
        self.init(secrets: secrets, urls: urls)
    }

    /// This redactor plus another's secrets.
    public func merging(_ other: Redactor) -> Redactor {
        var copy = self
        copy.secrets = Array(Set(secrets).union(other.secrets)).sorted {
            $0.count != $1.count ? $0.count > $1.count : $0 < $1
        }
        return copy
    }

    /// `text` with every known secret replaced by ``placeholder``; also masks any URL's userinfo and
    /// credential query values (`key=`, `access_token=`, `sig=`, …) even when the URL is not configured.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        for (pattern, template) in Self.genericPatterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }

    /// Userinfo in any URL and credential query values in any text, configured or not.
    private static var genericPatterns: [(NSRegularExpression, String)] {
        [
            (try! NSRegularExpression(pattern: "://[^\\s/@\"']+@"), "://\(placeholder)@"),
            (
                try! NSRegularExpression(
                    pattern: "([?&](?i:key|access_token|sig|token|secret|sign|password)=)[^&\\s\"'<>]+"),
                "$1\(placeholder)"
            ),
        ]
    }

    /// `scheme://host[:port]/…`: the only form of a webhook URL fit for a status page.
    public static func origin(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return placeholder }
        let port = components.port.map { ":\($0)" } ?? ""
        let hasMore = !(components.path.isEmpty || components.path == "/") || components.query != nil
        return "\(scheme)://\(host)\(port)" + (hasMore ? "/…" : "")
    }

    /// The URL with its known credential parts masked by `***`: query values of `key`, `access_token`,
    /// `sig`, `token`, `secret`, `sign`, `password`; the Slack `/services/…` path, the Discord token,
    /// the Feishu/Lark hook token; and any userinfo. Unparseable input gives ``origin(_:)``.
    public static func display(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else { return origin(url) }
        if components.user != nil || components.password != nil {
            components.user = "***"
            components.password = nil
        }
        if let items = components.queryItems {
            components.queryItems = items.map {
                credentialQueryNames.contains($0.name.lowercased()) ? URLQueryItem(name: $0.name, value: "***") : $0
            }
        }
        components.path = maskedPath(components.path)
        return components.string ?? origin(url)
    }

    /// Query parameter names whose values are credentials.
    static let credentialQueryNames: Set<String> = [
        "key", "access_token", "sig", "token", "secret", "sign", "password", "code",
    ]

    static func isCredentialHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower.contains("token") || lower.contains("key")
            || lower.contains("secret")
    }

    private static func maskedPath(_ path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let index = segments.firstIndex(of: "services"), index + 1 < segments.count {
            segments = Array(segments[...index]) + ["***"]
        } else if let index = segments.firstIndex(of: "webhooks"), index + 2 < segments.count {
            segments = Array(segments[...(index + 1)]) + ["***"]
        } else if let index = segments.firstIndex(of: "hook"), index + 1 < segments.count {
            segments = Array(segments[...index]) + ["***"]
        } else {
            segments = segments.map { $0.count >= 24 ? "***" : $0 }
        }
        return segments.joined(separator: "/")
    }

    /// The parts of `url` that may be credentials: the whole URL, path and query after the host,
    /// userinfo and its pieces, query values and long path segments.
    static func credentialParts(of url: String) -> Set<String> {
        var parts: Set<String> = [url]
        var rest = Substring(url)
        if let separator = rest.firstRange(of: "://") { rest = rest[separator.upperBound...] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        if tail.count >= minimumDerivedLength { parts.insert(String(tail)) }
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            parts.insert(String(userinfo))
            for piece in userinfo.split(separator: ":") where piece.count >= 3 {
                parts.insert(String(piece))
                parts.insert(String(piece).removingPercentEncoding ?? String(piece))
            }
        }
        let pieces = tail.split(whereSeparator: { "/?&=#;".contains($0) })
        for piece in pieces where piece.count >= minimumDerivedLength && (piece.count >= 16 || piece.contains(where: \.isNumber)) {
            parts.insert(String(piece))
            if let decoded = String(piece).removingPercentEncoding { parts.insert(decoded) }
        }
        return parts.filter { !$0.isEmpty }
    }
}
