import Timekeeping

/// A per-action token-bucket rate limiter (TAT allows 20 requests/s per action).
///
/// Default 18 requests/s per action with bursts of up to 18, a little under the documented limit to
/// leave room for clock differences. `acquire` waits on the injected clock, so tests never sleep.
public actor RateLimiter {
    /// Requests per second per action. Default 18.
    public nonisolated let requestsPerSecond: Double
    /// The largest burst per action. Default equal to `requestsPerSecond`.
    public nonisolated let burst: Double
    private let time: TimeSource
    private var buckets: [String: TokenBucket] = [:]

    /// Creates a limiter (defaults: 18 requests/s, burst 18, `ContinuousClock`).
    public init(requestsPerSecond: Double = 18, burst: Double? = nil, clock: any Clock<Duration> = ContinuousClock()) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst ?? requestsPerSecond
        self.time = TimeSource(clock)
    }

    /// Waits until `action` may be called once more. Throws `CancellationError` if cancelled while waiting.
    public func acquire(_ action: String) async throws {
        let wait = reserve(action)
        if wait > .zero { try await time.sleep(wait) }
        try Task.checkCancellation()
    }

    /// Reserves a slot for `action` now and returns how long to wait before using it.
    func reserve(_ action: String) -> Duration {
        var bucket = buckets[action] ?? TokenBucket(rate: requestsPerSecond, capacity: burst)
        let wait = bucket.reserve(at: time.now())
        buckets[action] = bucket
        return wait
    }
}

/// `now` and `sleep` of an `any Clock<Duration>`, with the instant type erased to a `Duration` offset.
struct TimeSource: Sendable {
    /// Elapsed time since the source was made.
    let now: @Sendable () -> Duration
    /// Sleeps on the clock.
    let sleep: @Sendable (Duration) async throws -> Void

    init(_ clock: any Clock<Duration>) {
        self.init(opened: clock)
    }

    private init<C: Clock<Duration>>(opened clock: C) {
        let origin = clock.now
        now = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(for: duration) }
    }
}
