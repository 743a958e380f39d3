extension TATSimulator {
    /// How many requests named `action` in `X-TC-Action` arrived since the start or `resetCounts()`,
    /// whatever their outcome (errors and faults included).
    public func callCount(action: APIAction) -> Int {
        callLog.counts[action.rawValue, default: 0]
    }

    /// Like `callCount(action:)` for any action name, known or not.
    public func callCount(actionName: String) -> Int {
        callLog.counts[actionName, default: 0]
    }

    /// Every request, oldest first (at most `configuration.callLogLimit`).
    public var calls: [CallRecord] { callLog.records }

    /// Forgets the call log, the counters and the rate limiter's window.
    public func resetCounts() {
        callLog.reset()
        limiter.reset()
    }

    /// Raises, lowers or (nil) removes the per-action request limit.
    public func setRequestLimit(_ requestsPerSecond: Int?) {
        limiter.limit = requestsPerSecond
    }

    /// From now on, each request gets a fault with `injection.probability` (seeded, reproducible).
    public func injectFaults(_ injection: FaultInjection) {
        faults.injection = injection
    }

    /// The next `count` requests get `fault`, before any random injection.
    public func failNext(_ count: Int = 1, with fault: FaultKind) {
        faults.queued.append(contentsOf: Array(repeating: fault, count: max(count, 0)))
    }

    /// Removes random injection, queued faults, broken records and refused task ids.
    public func clearFaults() {
        faults.injection = nil
        faults.queued.removeAll()
        faults.malformed.removeAll()
        faults.refusedTaskIds.removeAll()
    }
}
