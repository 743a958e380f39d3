import Timekeeping

/// The pause before the next cycle: the interval after a success; after `failures` consecutive
/// failures, the interval doubled per failure (``Timekeeping/Backoff/ceiling(step:base:factor:cap:)``,
/// without jitter: a poller's rhythm stays predictable), capped at `maxMultiplier` × interval.
func pollDelay(interval: Duration, failures: Int, maxMultiplier: Int) -> Duration {
    guard failures > 0 else { return interval }
    return Backoff.ceiling(step: failures + 1, base: interval, cap: interval * max(1, maxMultiplier))
}

extension Watcher {
    /// The pause ``run()`` takes before the next cycle (exposed for tests and the status endpoint).
    public static func pauseBeforeNextCycle(interval: Duration, failures: Int, maxMultiplier: Int) -> Duration {
        pollDelay(interval: interval, failures: failures, maxMultiplier: maxMultiplier)
    }
}
