/// The pause before the next cycle: the interval after a success; after `failures` consecutive
/// failures, the interval doubled per failure, capped at `maxMultiplier` × interval.
func pollDelay(interval: Duration, failures: Int, maxMultiplier: Int) -> Duration {
    guard failures > 0 else { return interval }
    let multiplier = failures >= 31 ? maxMultiplier : min(1 << failures, max(1, maxMultiplier))
    return interval * multiplier
}
