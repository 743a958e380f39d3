import Foundation

/// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"),
/// as a pure function of the step: the callers decide what is worth retrying, this only says how long.
public enum Backoff {
    /// The ceiling before step `step` (1-based): `min(cap, base · factor^(step-1))`; `.zero` before step 1.
    public static func ceiling(step: Int, base: Duration, factor: Double = 2, cap: Duration) -> Duration {
        guard step >= 1 else { return .zero }
        let seconds = base.seconds * pow(factor, Double(min(step - 1, 1024)))
        return seconds >= cap.seconds || !seconds.isFinite ? cap : .seconds(seconds)
    }

    /// The full-jitter wait: `ceiling · unitRandom`, with `unitRandom` clamped to [0, 1].
    public static func jittered(_ ceiling: Duration, unitRandom: Double) -> Duration {
        ceiling * min(max(unitRandom, 0), 1)
    }
}
