/// A token bucket as a pure value: the rate limiter's core, driven by an explicit time.
///
/// Tokens refill at `rate` per second up to `capacity`. `reserve(at:)` always takes a token, letting the
/// balance go negative, and returns how long the caller must wait for its token to exist; callers that
/// reserve concurrently thus queue in order without a second pass.
public struct TokenBucket: Sendable, Hashable {
    /// Tokens per second.
    public let rate: Double
    /// The largest burst.
    public let capacity: Double
    private var tokens: Double
    private var last: Duration?

    /// Creates a full bucket. `capacity` defaults to `rate` (at least 1).
    public init(rate: Double, capacity: Double? = nil) {
        self.rate = max(rate, 0.001)
        self.capacity = max(capacity ?? rate, 1)
        self.tokens = self.capacity
    }

    /// Takes one token at time `now` (any monotonic origin) and returns the wait before using it:
    /// `.zero` when a token was available.
    public mutating func reserve(at now: Duration) -> Duration {
        refill(to: now)
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .seconds(-tokens / rate)
    }

    /// The tokens available at `now`, for tests and metrics (negative while callers queue).
    public mutating func available(at now: Duration) -> Double {
        refill(to: now)
        return tokens
    }

    private mutating func refill(to now: Duration) {
        if let last, now > last {
            tokens = min(capacity, tokens + rate * Self.seconds(now - last))
        }
        if last == nil || now > last! { last = now }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, atto) = duration.components
        return Double(s) + Double(atto) / 1e18
    }
}
