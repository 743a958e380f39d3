extension Duration {
    /// The duration in (fractional) seconds.
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }

    /// Whole nanoseconds (what metrics timers record), saturating at `Int64.max`.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole + attoseconds / 1_000_000_000
    }

    /// `seconds` (a setting, an option, a header value) as a whole number of milliseconds, the
    /// resolution every such input is given in, rounded by `rule` (default: to the nearest). Never
    /// traps: NaN is zero, and values past ±292 million years saturate.
    public static func milliseconds(
        ofSeconds seconds: Double, rounding rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) -> Duration {
        let millis = (seconds * 1000).rounded(rule)
        guard !millis.isNaN else { return .zero }
        return .milliseconds(Int64(exactly: millis) ?? (millis < 0 ? .min : .max))
    }
}
