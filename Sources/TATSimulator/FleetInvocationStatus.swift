/// The status of an invocation (`InvocationStatus` on the wire), derived from its tasks.
public enum FleetInvocationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting to be delivered.
    case pending = "PENDING"
    /// Running on at least one instance.
    case running = "RUNNING"
    /// Being cancelled.
    case cancelling = "CANCELLING"
    /// Succeeded on every instance. Terminal.
    case success = "SUCCESS"
    /// Timed out on every instance. Terminal.
    case timeout = "TIMEOUT"
    /// Failed on every instance. Terminal.
    case failed = "FAILED"
    /// Cancelled on every instance. Terminal.
    case cancelled = "CANCELLED"
    /// Failed on some instances, succeeded on others. Terminal.
    case partialFailed = "PARTIAL_FAILED"
    /// Cancelled on some instances. Terminal.
    case partialCancelled = "PARTIAL_CANCELLED"

    /// Whether the status is final.
    public var isTerminal: Bool {
        switch self {
        case .pending, .running, .cancelling: false
        default: true
        }
    }

    /// The invocation status the real service reports for a set of task statuses.
    ///
    /// The rules are an inference from the status descriptions (tat-api.md §2): while any task is
    /// non-terminal the invocation is CANCELLING (a task is being cancelled), PENDING (nothing has left
    /// PENDING yet) or RUNNING. Once every task is terminal: all SUCCESS gives SUCCESS; all cancelled gives
    /// CANCELLED, some cancelled PARTIAL_CANCELLED; all TIMEOUT/TASK_TIMEOUT gives TIMEOUT; all other
    /// failures FAILED; failures next to successes PARTIAL_FAILED.
    public static func derived(from tasks: some Collection<FleetTaskStatus>) -> FleetInvocationStatus {
        guard !tasks.isEmpty else { return .pending }
        if tasks.contains(where: { !$0.isTerminal }) {
            if tasks.contains(.cancelling) { return .cancelling }
            if tasks.allSatisfy({ $0 == .pending }) { return .pending }
            return .running
        }
        if tasks.allSatisfy({ $0 == .success }) { return .success }
        let cancelled = tasks.filter(\.isCancellation).count
        if cancelled == tasks.count { return .cancelled }
        if cancelled > 0 { return .partialCancelled }
        if tasks.allSatisfy({ $0 == .timeout || $0 == .taskTimeout }) { return .timeout }
        if tasks.allSatisfy(\.isFailure) { return .failed }
        return .partialFailed
    }
}
