import Timekeeping
extension RetryPolicy {
    /// One line of the effective schedule: attempt number, the wait before it and when it falls,
    /// counted from the first attempt (lower and upper bounds, in seconds).
    public struct Step: Sendable, Hashable {
        /// 1-based attempt number.
        public var attempt: Int
        /// Shortest and longest wait before this attempt (zero for the first).
        public var wait: ClosedRange<Double>
        /// Earliest and latest time since the first attempt.
        public var sinceFirst: ClosedRange<Double>
    }

    /// The schedule of transient retries until the backoff reaches its cap (the later attempts all
    /// wait up to the cap until the age limit).
    public var schedule: [Step] {
        var steps = [Step(attempt: 1, wait: 0...0, sinceFirst: 0...0)]
        var earliest = 0.0
        var latest = 0.0
        var attempt = 1
        while attempt < 64 {
            let ceiling = ceiling(afterAttempt: attempt).seconds
            earliest += minimumDelay.seconds
            latest += ceiling
            attempt += 1
            if let maxAttempts, attempt > maxAttempts { break }
            steps.append(Step(attempt: attempt, wait: minimumDelay.seconds...ceiling, sinceFirst: earliest...latest))
            if ceiling >= cap.seconds || latest >= maxAge.seconds { break }
        }
        return steps
    }

    /// The schedule as the Markdown table the README shows (the docs test compares the two).
    public var markdownTable: String {
        func range(_ range: ClosedRange<Double>) -> String {
            range.lowerBound == range.upperBound
                ? Self.describe(range.lowerBound)
                : "\(Self.describe(range.lowerBound)) – \(Self.describe(range.upperBound))"
        }
        var lines = ["| attempt | wait before it | time since the first attempt |", "|---|---|---|"]
        for step in schedule {
            lines.append(
                "| \(step.attempt) | \(step.attempt == 1 ? "—" : range(step.wait)) | \(range(step.sinceFirst)) |")
        }
        let next = (schedule.last?.attempt ?? 1) + 1
        let age = Self.describe(maxAge.seconds)
        if maxAttempts.map({ next <= $0 }) ?? true {
            lines.append(
                "| \(next) and later | \(range(minimumDelay.seconds...cap.seconds)) each "
                    + "(mean \(Self.describe(cap.seconds / 2))) | until \(age); the last attempt falls at \(age) |")
        }
        return lines.joined(separator: "\n")
    }
}
