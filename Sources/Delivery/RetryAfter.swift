import Foundation
import Rules
import Timekeeping

/// Reads how long a rate-limited receiver asked us to wait.
///
/// Sources, first found wins: Discord's JSON `retry_after` (seconds, as the API documents; a
/// large value is a long wait, not milliseconds), then the `Retry-After` header as delta-seconds or an
/// HTTP date (RFC 9110 §10.2.3), then Discord's `X-RateLimit-Reset-After`. A wait is never negative
/// and never longer than ``maximum``.
public enum RetryAfter {
    /// Longest wait honoured: 1 hour. A larger value is clamped (a broken header must not park a
    /// delivery for days).
    public static let maximum: Duration = .seconds(3600)

    /// The wait named by a 429 response, if it names one.
    public static func parse(headers: [(String, String)], body: [UInt8], platform: Platform, now: Date) -> Duration? {
        func header(_ name: String) -> String? {
            headers.last { $0.0.lowercased() == name }?.1.trimmingCharacters(in: .whitespaces)
        }
        if platform == .discord, let seconds = discordBody(body) {
            return clamp(seconds)
        }
        if let value = header("retry-after"), let seconds = parseHeader(value, now: now) {
            return clamp(seconds)
        }
        if let value = header("x-ratelimit-reset-after"), let seconds = Double(value) {
            return clamp(seconds)
        }
        return nil
    }

    /// `Retry-After` as delta-seconds or an HTTP date, in seconds from `now`.
    public static func parseHeader(_ value: String, now: Date) -> Double? {
        if let seconds = Double(value), seconds.isFinite { return max(0, seconds) }
        guard let date = httpDate(value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), or the obsolete RFC 850 and asctime
    /// forms recipients must accept.
    public static func httpDate(_ value: String) -> Date? {
        let value = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }

    private static func discordBody(_ body: [UInt8]) -> Double? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let number = object["retry_after"] as? NSNumber
        else { return nil }
        let value = number.doubleValue
        guard value.isFinite, value >= 0 else { return nil }
        return value
    }

    private static func clamp(_ seconds: Double) -> Duration {
        let bounded = min(max(0, seconds), 3600)
        return .milliseconds(ofSeconds: bounded, rounding: .up)
    }
}
