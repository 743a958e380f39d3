import Foundation
import Timekeeping

/// What one delivery attempt came to, as judged by the platform's rules (see ``Classifier``).
///
/// The notifier decides retryability here; the retry loop (``RetryPolicy``) only decides *when*.
public enum Outcome: Sendable, Hashable {
    /// The receiver accepted the message.
    case delivered
    /// The receiver asked us to slow down (HTTP 429 or a platform throttle code). `retryAfter` is the
    /// window it named, when it named one.
    case rateLimited(retryAfter: Duration?)
    /// Worth trying again later: network trouble, timeouts, 5xx.
    case transient(String)
    /// Trying again cannot help (bad key, bad signature, other 4xx): becomes a dead letter at once.
    case permanent(String)

    /// The label used for the `outcome` metrics dimension: `delivered`, `rate_limited`, `transient`,
    /// `permanent`.
    public var label: String {
        switch self {
        case .delivered: "delivered"
        case .rateLimited: "rate_limited"
        case .transient: "transient"
        case .permanent: "permanent"
        }
    }

    /// A short human reason, for logs and the outbox's `last_error`.
    public var reason: String {
        switch self {
        case .delivered: "delivered"
        case .rateLimited(let after):
            after.map { "rate limited (retry after \(Self.seconds($0)) s)" } ?? "rate limited"
        case .transient(let reason), .permanent(let reason): reason
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let value = duration.seconds
        return value == value.rounded() ? String(Int64(value)) : String(format: "%.3f", value)
    }
}

/// An ``Outcome`` plus the start of the response body that led to it, already redacted and at most
/// ``Classification/excerptLimit`` bytes.
public struct Classification: Sendable, Hashable {
    /// Longest excerpt kept, in UTF-8 bytes: 512.
    public static let excerptLimit = 512

    /// The verdict.
    public var outcome: Outcome
    /// The start of the response body (or server reply), redacted; `nil` when there was none.
    public var responseExcerpt: String?
    /// The receiver rejected the message as too large (HTTP 413): a digest is split and retried.
    public var isTooLarge = false
    /// A transient failure that named when to come back (`Retry-After` on a 503). Default `nil`.
    public var retryAfter: Duration?

    /// Makes a classification; the excerpt is cut to ``excerptLimit`` bytes on a character boundary.
    public init(_ outcome: Outcome, responseExcerpt: String? = nil) {
        self.outcome = outcome
        self.responseExcerpt = responseExcerpt.flatMap { $0.isEmpty ? nil : Self.truncate($0) }
    }

    /// `text` cut to at most ``excerptLimit`` UTF-8 bytes without splitting a character.
    static func truncate(_ text: String) -> String {
        guard text.utf8.count > excerptLimit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > excerptLimit { break }
            result.append(character)
            used += size
        }
        return result
    }
}
