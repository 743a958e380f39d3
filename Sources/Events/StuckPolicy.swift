import Timekeeping

/// When a non-terminal invocation or task counts as stuck. Every limit runs from when Tattle first
/// saw the current status (`statusSince`); a stuck event fires once per status.
public struct StuckPolicy: Sendable, Hashable {
    /// Added to the command's `Timeout` for RUNNING. Default 120 s.
    public var runningGrace: Duration
    /// The RUNNING limit when the command timeout is unknown. Default 1 hour.
    public var runningLimitWithoutTimeout: Duration
    /// The limit for PENDING, DELIVERING and DELIVER_DELAYED (tasks) and PENDING (invocations). Default 10 min.
    public var deliveryLimit: Duration
    /// The limit for CANCELLING. Default 10 min.
    public var cancellingLimit: Duration
    /// The limit for non-terminal statuses Tattle does not know; nil never fires. Default nil.
    public var unknownStatusLimit: Duration?
    /// Whether stuck detection runs at all. Default true.
    public var isEnabled: Bool

    /// Creates a policy; every argument defaults as documented on the properties.
    public init(
        runningGrace: Duration = .seconds(120), runningLimitWithoutTimeout: Duration = .seconds(3600),
        deliveryLimit: Duration = .seconds(600), cancellingLimit: Duration = .seconds(600),
        unknownStatusLimit: Duration? = nil, isEnabled: Bool = true
    ) {
        self.runningGrace = runningGrace
        self.runningLimitWithoutTimeout = runningLimitWithoutTimeout
        self.deliveryLimit = deliveryLimit
        self.cancellingLimit = cancellingLimit
        self.unknownStatusLimit = unknownStatusLimit
        self.isEnabled = isEnabled
    }

    /// A policy that never fires.
    public static let disabled = StuckPolicy(isEnabled: false)

    /// The limit in seconds for an invocation in `status`, nil when it cannot be stuck.
    public func limit(for status: InvocationStatus, timeout: Int?) -> Double? {
        guard isEnabled, !status.isTerminal else { return nil }
        switch status {
        case .running: return runningLimit(timeout: timeout)
        case .pending: return deliveryLimit.seconds
        case .cancelling: return cancellingLimit.seconds
        default: return unknownStatusLimit?.seconds
        }
    }

    /// The limit in seconds for a task in `status`, nil when it cannot be stuck.
    public func limit(for status: TaskStatus, timeout: Int?) -> Double? {
        guard isEnabled, !status.isTerminal else { return nil }
        if status.isAwaitingDelivery { return deliveryLimit.seconds }
        switch status {
        case .running: return runningLimit(timeout: timeout)
        case .cancelling: return cancellingLimit.seconds
        default: return unknownStatusLimit?.seconds
        }
    }

    /// The smallest limit any non-terminal status could have with this `timeout` (a cheap lower bound).
    func smallestLimit(timeout: Int?) -> Double {
        var smallest = min(runningLimit(timeout: timeout), deliveryLimit.seconds, cancellingLimit.seconds)
        if let unknown = unknownStatusLimit { smallest = min(smallest, unknown.seconds) }
        return smallest
    }

    private func runningLimit(timeout: Int?) -> Double {
        guard let timeout, timeout > 0 else { return runningLimitWithoutTimeout.seconds }
        return Double(timeout) + runningGrace.seconds
    }
}
