import Foundation

/// Every secret Tattle knows, and the one way to keep them out of what it logs, stores, counts or shows.
///
/// Built once per rules load (and once for the API credentials), then shared: libcurl's error text,
/// delivery response excerpts, the CLI and the log handler all scrub through a `SecretSet`, with one
/// ``placeholder``. Webhook URLs carry their credential in the query (`?key=`, `?access_token=`,
/// `&sig=`) or the path (Slack `/services/T/B/X`, Discord `/webhooks/ID/TOKEN`, Feishu `/hook/TOKEN`);
/// SMTP URLs may carry `user:pass@`. ``scrub(_:)`` replaces every explicit secret and the credential
/// parts of every known URL, and masks userinfo and credential query values in any URL, known or not.
public struct SecretSet: Sendable, Hashable {
    /// What replaces a secret in scrubbed text: `[redacted]`.
    public static let placeholder = "[redacted]"
    /// Shortest URL part treated as a credential when derived from a URL: 6 characters (shorter
    /// path or query pieces are words like `send`, `hook`).
    public static let minimumDerivedLength = 6
    /// Shortest explicit secret kept: 3 characters (shorter ones would match ordinary text).
    public static let minimumSecretLength = 3

    /// The strings to remove, longest first so a longer secret goes before its parts.
    public private(set) var secrets: [String]

    /// A set of `secrets` (signing keys, passwords, tokens) and the credential parts of `urls`.
    /// Secrets shorter than ``minimumSecretLength`` are ignored. Default: empty.
    public init(secrets: some Sequence<String> = [String](), urls: some Sequence<String> = [String]()) {
        var all = Set<String>()
        for secret in secrets where secret.count >= Self.minimumSecretLength {
            all.insert(secret)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                all.insert(encoded)
            }
        }
        for url in urls { all.formUnion(Self.credentialParts(of: url)) }
        self.secrets = Self.ordered(all)
    }

    /// Whether the set knows no secret (the generic URL patterns still apply when scrubbing).
    public var isEmpty: Bool { secrets.isEmpty }

    /// This set plus another's secrets.
    public func merging(_ other: SecretSet) -> SecretSet {
        guard !other.secrets.isEmpty else { return self }
        guard !secrets.isEmpty else { return other }
        var copy = self
        copy.secrets = Self.ordered(Set(secrets).union(other.secrets))
        return copy
    }

    /// `text` with every known secret replaced by ``placeholder``; also masks any URL's userinfo and
    /// credential query values (`key=`, `access_token=`, `sig=`, …) even when the URL is not known.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        guard result.contains("://") || result.contains("=") else { return result }
        for (pattern, template) in Self.genericPatterns {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }

    /// Userinfo in any URL and credential query values in any text, compiled once per process.
    /// The patterns are constants and compile; `NSRegularExpression` is immutable and thread-safe.
    nonisolated(unsafe) private static let genericPatterns: [(NSRegularExpression, String)] = [
        (try! NSRegularExpression(pattern: "://[^\\s/@\"']+@"), "://\(placeholder)@"),
        (
            try! NSRegularExpression(
                pattern: "([?&](?i:key|access_token|sig|token|secret|sign|password)=)[^&\\s\"'<>]+"),
            "$1\(placeholder)"
        ),
    ]

    private static func ordered(_ secrets: Set<String>) -> [String] {
        secrets.filter { !$0.isEmpty }.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }
}
