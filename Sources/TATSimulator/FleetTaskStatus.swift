/// The status of one instance's task, as the simulator produces it (`TaskStatus` on the wire).
///
/// The raw values are the API's. Terminal statuses never change again, except through
/// `TATSimulator.setTaskStatus`, which tests may use to script anything.
public enum FleetTaskStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting to be delivered to the agent.
    case pending = "PENDING"
    /// Being delivered.
    case delivering = "DELIVERING"
    /// Delivery delayed (the agent was not reachable yet).
    case deliverDelayed = "DELIVER_DELAYED"
    /// The command is running.
    case running = "RUNNING"
    /// Being cancelled.
    case cancelling = "CANCELLING"
    /// Delivery failed. Terminal.
    case deliverFailed = "DELIVER_FAILED"
    /// The command failed to start. Terminal.
    case startFailed = "START_FAILED"
    /// The command exited with code 0. Terminal.
    case success = "SUCCESS"
    /// The command ran to completion with a non-zero exit code. Terminal.
    case failed = "FAILED"
    /// The command exceeded its `Timeout`. Terminal.
    case timeout = "TIMEOUT"
    /// The agent stopped responding. Terminal.
    case taskTimeout = "TASK_TIMEOUT"
    /// Cancelled before the command started. Terminal.
    case cancelled = "CANCELLED"
    /// Cancelled while the command was running. Terminal.
    case terminated = "TERMINATED"

    /// Whether the status is final (the inference of tat-api.md §2).
    public var isTerminal: Bool {
        switch self {
        case .pending, .delivering, .deliverDelayed, .running, .cancelling: false
        default: true
        }
    }

    /// Whether the command had started on the instance (it has an exec start time).
    var hasStarted: Bool {
        switch self {
        case .running, .success, .failed, .timeout, .taskTimeout, .terminated: true
        case .cancelling: false
        default: false
        }
    }

    /// Whether the task ended badly in a way that is not a cancellation.
    var isFailure: Bool {
        switch self {
        case .deliverFailed, .startFailed, .failed, .timeout, .taskTimeout: true
        default: false
        }
    }

    /// Whether the task ended by cancellation.
    var isCancellation: Bool { self == .cancelled || self == .terminated }
}
