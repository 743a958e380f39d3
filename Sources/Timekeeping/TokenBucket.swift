/// A token bucket as a pure value, driven by an explicit time: the core of every rate limit Tattle keeps
/// (the TAT API's per-action limit and each receiver's quota).
///
/// Tokens refill continuously at ``rate`` per second up to ``capacity``; time is seconds on any monotonic
/// origin (a clock's offset, or a `Date`'s reference seconds), and a time earlier than one seen before
/// refills nothing. Two ways to take a token: ``reserve(at:)`` always takes one, letting the balance go
/// negative, and returns how long the caller must wait for it to exist, so concurrent callers queue in
/// order; ``wait(at:)`` then ``take()`` first checks and takes only when one is there.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens per second (at least 10⁻⁶).
    public let rate: Double
    /// The largest burst (at least 1).
    public let capacity: Double
    /// Tokens at the last refill (negative while ``reserve(at:)`` callers queue).
    public private(set) var tokens: Double
    private var last: Double?

    /// Creates a full bucket. `capacity` defaults to `rate` (at least 1).
    public init(rate: Double, capacity: Double? = nil) {
        self.rate = max(rate, 1e-6)
        self.capacity = max(capacity ?? rate, 1)
        self.tokens = self.capacity
    }

    /// Brings the bucket up to `now` (seconds).
    public mutating func refill(at now: Double) {
        if let last, now > last {
            tokens = min(capacity, tokens + rate * (now - last))
        }
        if last.map({ now > $0 }) ?? true { last = now }
    }

    /// Takes one token at `now` and returns the seconds to wait before using it: 0 when one was there.
    public mutating func reserve(at now: Double) -> Double {
        refill(at: now)
        tokens -= 1
        return tokens < 0 ? -tokens / rate : 0
    }

    /// The tokens available at `now`, for tests and metrics (negative while callers queue).
    public mutating func available(at now: Double) -> Double {
        refill(at: now)
        return tokens
    }

    /// Seconds until a token is available at `now` (0 when one is), without taking it.
    public mutating func wait(at now: Double) -> Double {
        refill(at: now)
        // A hair below 1 counts as 1, and a wait is at least 1 ms: float rounding (and the limited
        // precision of `Date`) must never turn into an endless series of zero-length waits.
        if tokens >= 1 - Self.epsilon { return 0 }
        return max(0.001, (1 - tokens) / rate)
    }

    /// Takes a token; call only after ``wait(at:)`` returned 0.
    public mutating func take() { tokens = max(0, tokens - 1) }

    /// How many tokens this bucket gives from `now` within `window` seconds (current tokens plus refill).
    public mutating func allowance(at now: Double, within window: Double) -> Int {
        refill(at: now)
        return Int((tokens + window * rate + Self.epsilon).rounded(.down))
    }

    private static let epsilon = 1e-6
}

extension TokenBucket {
    /// ``reserve(at:)`` on a clock's offset: the wait before using the token, `.zero` when one was there.
    public mutating func reserve(at now: Duration) -> Duration {
        let wait = reserve(at: now.seconds)
        return wait > 0 ? .seconds(wait) : .zero
    }

    /// ``available(at:)`` on a clock's offset.
    public mutating func available(at now: Duration) -> Double {
        available(at: now.seconds)
    }
}
