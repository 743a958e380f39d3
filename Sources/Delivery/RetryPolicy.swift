import Foundation
import Rules
import Timekeeping

/// When to try a failed delivery again, and when to give up. Pure: time and randomness come in as
/// arguments, so the schedule is table-tested (and the README's table is generated from it).
///
/// Retries are bounded by **age**, as EventBridge's are: a delivery is retried until ``maxAge``
/// (default 24 h) after its age clock started (the commit, or the latest `tattle replay`); the last
/// attempt falls at the age limit itself, so a receiver that comes back just before it still gets
/// everything. ``maxAttempts`` is an optional extra bound per receiver.
///
/// A transient failure waits with exponential backoff and full jitter (AWS Architecture Blog,
/// "Exponential Backoff and Jitter"): after attempt *n* the wait is uniform in
/// `[minimumDelay, min(cap, base · factor^(n-1))]`. Defaults: base 5 s, factor 2, cap 15 min.
///
/// A rate-limited answer is not a failure of the receiver: it waits the window the receiver named
/// (without one: the caller's default, 5 s, growing to a tenth of the delivery's age up to the cap)
/// and **does not count an attempt**; only the age limit applies.
public struct RetryPolicy: Sendable, Hashable {
    /// First backoff ceiling. Default 5 s.
    public var base: Duration
    /// Growth per attempt. Default 2.
    public var factor: Double
    /// Largest backoff ceiling. Default 15 min.
    public var cap: Duration
    /// Shortest wait between attempts, so jitter never produces a hot loop. Default 1 s.
    public var minimumDelay: Duration
    /// Counted attempts (transient failures, the first attempt included) before a dead letter;
    /// `nil` = bounded by age only. Default `nil`.
    public var maxAttempts: Int?
    /// Age after which a delivery is not retried. Default 24 h.
    public var maxAge: Duration

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try again at `at`; `countsAttempt` is false for a rate-limit wait (the budget is kept).
        case retry(at: Date, countsAttempt: Bool)
        /// Give up: the row becomes a dead letter with `reason` (prefixed to the last error).
        case giveUp(reason: String)
    }

    /// Makes a policy; every argument defaults to the value documented on its property.
    public init(
        base: Duration = .seconds(5), factor: Double = 2, cap: Duration = .seconds(900),
        minimumDelay: Duration = .seconds(1), maxAttempts: Int? = nil, maxAge: Duration = .seconds(86_400)
    ) {
        self.base = base
        self.factor = factor
        self.cap = cap
        self.minimumDelay = minimumDelay
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
    }

    /// This policy with a receiver's overrides (`retry.maxAttempts`, `retry.maxAgeSeconds`) applied.
    public func applying(_ limits: RetryLimits) -> RetryPolicy {
        var copy = self
        if let attempts = limits.maxAttempts { copy.maxAttempts = max(1, attempts) }
        if let age = limits.maxAgeSeconds { copy.maxAge = .milliseconds(ofSeconds: max(0, age), rounding: .towardZero) }
        return copy
    }

    /// The largest backoff for the wait after attempt number `attempts` (1-based):
    /// `max(minimumDelay, min(cap, base·factor^(attempts-1)))`.
    public func ceiling(afterAttempt attempts: Int) -> Duration {
        max(Backoff.ceiling(step: max(1, attempts), base: base, factor: factor, cap: cap), minimumDelay)
    }

    /// What to do after a failed attempt.
    /// - Parameters:
    ///   - attempts: counted attempts so far, the one just failed included when it counts (a
    ///     rate-limited attempt does not).
    ///   - ageFrom: when the delivery's age clock started.
    ///   - now: the current time.
    ///   - outcome: the failed attempt's outcome. `.delivered` and `.permanent` give up at once.
    ///   - random: a uniform value in `[0, 1)` for the jitter.
    ///   - rateLimitWait: the wait for a rate-limited answer that named none. Default 5 s.
    ///   - retryAfter: a transient failure's `Retry-After` (a 503's): the wait is at least this.
    public func decide(
        attempts: Int, ageFrom: Date, now: Date, outcome: Outcome, random: Double,
        rateLimitWait: Duration = .seconds(5), retryAfter: Duration? = nil
    ) -> Decision {
        let deadline = ageFrom.addingTimeInterval(maxAge.seconds)
        let wait: Double
        let counts: Bool
        switch outcome {
        case .delivered:
            return .giveUp(reason: "delivered")
        case .permanent:
            return .giveUp(reason: "permanent failure")
        case .transient:
            if let maxAttempts, attempts >= maxAttempts {
                return .giveUp(reason: "gave up after \(attempts) attempts")
            }
            let jitter = min(max(random, 0), 1)
            wait = max(minimumDelay.seconds, ceiling(afterAttempt: attempts).seconds * jitter, retryAfter?.seconds ?? 0)
            counts = true
        case .rateLimited(let retryAfter):
            // A window the receiver named is honoured as is; without one, the wait grows with the
            // delivery's age (a tenth of it, up to the cap) so hours of 429s are not probed every 5 s.
            let unnamed = max(rateLimitWait.seconds, min(cap.seconds, now.timeIntervalSince(ageFrom) / 10))
            wait = max(minimumDelay.seconds, retryAfter?.seconds ?? unnamed)
            counts = false
        }
        guard now < deadline else {
            return .giveUp(reason: "gave up after \(Self.describe(maxAge.seconds)) (\(attempts) attempts)")
        }
        return .retry(at: min(now.addingTimeInterval(wait), deadline), countsAttempt: counts)
    }

    /// A duration for people: `24 h`, `1 h 30 min`, `15 min`, `2 min 40 s`, `5 s`.
    static func describe(_ seconds: Double) -> String {
        var rest = Int(seconds.rounded())
        if rest == 0 { return "0 s" }
        var parts: [String] = []
        for (unit, size) in [("h", 3600), ("min", 60), ("s", 1)] where rest >= size {
            parts.append("\(rest / size) \(unit)")
            rest %= size
        }
        return parts.joined(separator: " ")
    }
}
