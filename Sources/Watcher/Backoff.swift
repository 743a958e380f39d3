/// The pause before the next cycle: the interval after a success; after `failures` consecutive
/// failures, the interval doubled per failure, capped at `maxMultiplier` × interval.
func pollDelay(interval: Duration, failures: Int, maxMultiplier: Int) -> Duration {
    guard failures > 0 else { return interval }
    let multiplier = failures >= 31 ? maxMultiplier : min(1 << failures, max(1, maxMultiplier))
    return interval * multiplier
}

extension Watcher {
    /// The pause ``run()`` takes before the next cycle (exposed for tests and the status endpoint).
    public static func pauseBeforeNextCycle(interval: Duration, failures: Int, maxMultiplier: Int) -> Duration {
        pollDelay(interval: interval, failures: failures, maxMultiplier: maxMultiplier)
    }
}
