import Foundation
import Rules

/// When to try a failed delivery again, and when to give up. Pure: time and randomness come in as
/// arguments, so the schedule is table-tested.
///
/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
/// the wait before attempt *n + 1* is uniform in `[0, min(cap, base · factor^(n-1))]`, never below
/// ``minimumDelay``. Defaults — base 5 s, factor 2, cap 15 min, 12 attempts, 24 h — sit between
/// Svix (8 tries over ~27.6 h) and EventBridge (185 tries over 24 h); see `docs/delivery.md`.
///
/// A rate-limited outcome waits `max(retryAfter, backoff)` and is bounded by
/// ``maxRateLimitedAttempts`` rather than ``maxAttempts`` (waiting out a quota is not a failure of the
/// receiver); every delivery still ends at ``maxAge``.
public struct RetryPolicy: Sendable, Hashable {
    /// First backoff ceiling. Default 5 s.
    public var base: Duration
    /// Growth per attempt. Default 2.
    public var factor: Double
    /// Largest backoff ceiling. Default 15 min.
    public var cap: Duration
    /// Shortest wait between attempts, so jitter never produces a hot loop. Default 1 s.
    public var minimumDelay: Duration
    /// Attempts (including the first) before a transient failure becomes a dead letter. Default 12.
    public var maxAttempts: Int
    /// Attempts allowed when the latest failure was a rate limit. Default 100.
    public var maxRateLimitedAttempts: Int
    /// Age after which a delivery is not retried, measured from the row's creation. Default 24 h.
    public var maxAge: Duration

    /// Makes a policy; every argument defaults to the value documented on its property.
    public init(
        base: Duration = .seconds(5), factor: Double = 2, cap: Duration = .seconds(900),
        minimumDelay: Duration = .seconds(1), maxAttempts: Int = 12, maxRateLimitedAttempts: Int = 100,
        maxAge: Duration = .seconds(86_400)
    ) {
        self.base = base
        self.factor = factor
        self.cap = cap
        self.minimumDelay = minimumDelay
        self.maxAttempts = maxAttempts
        self.maxRateLimitedAttempts = maxRateLimitedAttempts
        self.maxAge = maxAge
    }

    /// This policy with a receiver's overrides (`retry.maxAttempts`, `retry.maxAgeSeconds`) applied.
    public func applying(_ limits: RetryLimits) -> RetryPolicy {
        var copy = self
        if let attempts = limits.maxAttempts { copy.maxAttempts = max(1, attempts) }
        if let age = limits.maxAgeSeconds { copy.maxAge = .milliseconds(Int64(max(0, age) * 1000)) }
        copy.maxRateLimitedAttempts = max(copy.maxRateLimitedAttempts, copy.maxAttempts)
        return copy
    }

    /// The largest backoff for the wait after attempt number `attempts` (1-based): `min(cap, base·factor^(attempts-1))`.
    public func ceiling(afterAttempt attempts: Int) -> Duration {
        let exponent = Double(max(0, attempts - 1))
        let seconds = base.seconds * pow(factor, exponent)
        return seconds >= cap.seconds || !seconds.isFinite ? cap : .seconds(seconds)
    }

    /// When to try again after a failed attempt, or `nil` to give up (dead letter).
    /// - Parameters:
    ///   - attempts: attempts made so far, the one just failed included (≥ 1).
    ///   - firstCreated: when the delivery was first queued.
    ///   - now: the current time.
    ///   - outcome: the failed attempt's outcome. `.delivered` and `.permanent` give `nil`.
    ///   - random: a uniform value in `[0, 1)` for the jitter.
    public func nextAttempt(attempts: Int, firstCreated: Date, now: Date, outcome: Outcome, random: Double) -> Date? {
        let jitter = min(max(random, 0), 1)
        let backoff = max(minimumDelay.seconds, ceiling(afterAttempt: attempts).seconds * jitter)
        let wait: Double
        switch outcome {
        case .delivered, .permanent:
            return nil
        case .transient:
            guard attempts < maxAttempts else { return nil }
            wait = backoff
        case .rateLimited(let retryAfter):
            guard attempts < max(maxRateLimitedAttempts, maxAttempts) else { return nil }
            wait = max(retryAfter?.seconds ?? 0, backoff)
        }
        let next = now.addingTimeInterval(wait)
        guard next.timeIntervalSince(firstCreated) <= maxAge.seconds else { return nil }
        return next
    }

    /// ``nextAttempt(attempts:firstCreated:now:outcome:random:)`` with the system random source.
    public func nextAttempt(attempts: Int, firstCreated: Date, now: Date, outcome: Outcome) -> Date? {
        nextAttempt(attempts: attempts, firstCreated: firstCreated, now: now, outcome: outcome,
            random: Double.random(in: 0..<1))
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
