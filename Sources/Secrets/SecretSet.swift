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
    /// Secrets shorter than ``minimumSecretLength`` are ignored. Default: empty. With `everyURLPiece`
    /// (default `false`) every path or query piece of ``minimumDerivedLength`` or more characters
    /// counts, not only those that look like tokens (see ``credentialParts(of:everyPiece:)``).
    public init(
        secrets: some Sequence<String> = [String](), urls: some Sequence<String> = [String](),
        everyURLPiece: Bool = false
    ) {
        var all = Set<String>()
        for secret in secrets where secret.count >= Self.minimumSecretLength {
            all.insert(secret)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                all.insert(encoded)
            }
        }
        for url in urls { all.formUnion(Self.credentialParts(of: url, everyPiece: everyURLPiece)) }
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
        for secret in secrets where Self.occurs(secret, in: result) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        // Each pattern runs only where it can match (most text has no userinfo and no credential
        // query): the checks are one pass over the bytes, the patterns are not.
        let (userinfo, query) = Self.genericCandidates(result)
        for (index, (pattern, template)) in Self.genericPatterns.enumerated() where index == 0 ? userinfo : query {
            let range = NSRange(result.startIndex..., in: result)
            result = pattern.stringByReplacingMatches(in: result, range: range, withTemplate: template)
        }
        return result
    }

    /// Whether `secret` occurs in `text`: its bytes searched for directly when it is ASCII (tokens,
    /// keys, URLs), Foundation's comparison otherwise.
    private static func occurs(_ secret: String, in text: String) -> Bool {
        guard secret.utf8.allSatisfy({ $0 < 0x80 }) else { return text.contains(secret) }
        let found: Bool?? = text.utf8.withContiguousStorageIfAvailable { haystack in
            secret.utf8.withContiguousStorageIfAvailable { needle in search(needle, in: haystack) }
        }
        return (found ?? nil) ?? text.contains(secret)
    }

    /// Whether `needle` occurs in `haystack`: `memchr` to each candidate first byte, `memcmp` there.
    private static func search(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= haystack.count, let base = haystack.baseAddress, let pattern = needle.baseAddress
        else { return false }
        let lastStart = haystack.count - needle.count
        var start = 0
        while start <= lastStart {
            guard let hit = memchr(base + start, Int32(first), lastStart - start + 1) else { return false }
            start = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + start, pattern, needle.count) == 0 { return true }
            start += 1
        }
        return false
    }

    /// Whether the generic patterns can match `text` (never false where one can): userinfo needs
    /// `://` and a later `@`; a credential query needs `?` or `&`, one of the names, then `=`. A name
    /// with non-ASCII letters counts as a candidate (the pattern folds case the Unicode way).
    private static func genericCandidates(_ text: String) -> (userinfo: Bool, query: Bool) {
        var text = text
        return text.withUTF8 { utf8 in
            var scheme = false
            var userinfo = false
            var query = false
            for index in utf8.indices where !(userinfo && query) {
                switch utf8[index] {
                case UInt8(ascii: ":"):
                    if index + 2 < utf8.count, utf8[index + 1] == 0x2F, utf8[index + 2] == 0x2F { scheme = true }
                case UInt8(ascii: "@"):
                    if scheme { userinfo = true }
                case UInt8(ascii: "=") where !query:
                    query = credentialName(before: index, in: utf8)
                default: break
                }
            }
            return (userinfo, query)
        }
    }

    /// Whether the bytes before `end` are `?` or `&` and a credential query name.
    private static func credentialName(before end: Int, in utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = end
        var ascii = true
        while start > 0 {
            let byte = utf8[start - 1]
            let letter = byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            guard letter || byte >= 0x80 else { break }
            ascii = ascii && byte < 0x80
            start -= 1
        }
        guard start > 0, start < end, utf8[start - 1] == UInt8(ascii: "?") || utf8[start - 1] == UInt8(ascii: "&")
        else { return false }
        guard ascii else { return true }
        let name = String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
        return genericQueryNames.contains(name.lowercased())
    }

    /// The names the credential-query pattern below spells (any case).
    private static let genericQueryNames: Set<String> = ["key", "access_token", "sig", "token", "secret", "sign", "password"]

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
