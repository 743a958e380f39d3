/// The known TAT status values (tat-api.md §2) and whether each is final. Comparisons ignore case.
/// The typed statuses live in the Events module; this is the cheap raw-string view for the client.
public enum TATStatus {
    /// Invocation statuses that never change again.
    public static let terminalInvocationStatuses: Set<String> = [
        "SUCCESS", "TIMEOUT", "FAILED", "CANCELLED", "PARTIAL_FAILED", "PARTIAL_CANCELLED",
    ]
    /// Every known invocation status.
    public static let invocationStatuses: Set<String> = terminalInvocationStatuses.union([
        "PENDING", "RUNNING", "CANCELLING",
    ])
    /// Task statuses that never change again.
    public static let terminalTaskStatuses: Set<String> = [
        "DELIVER_FAILED", "START_FAILED", "SUCCESS", "FAILED", "TIMEOUT", "TASK_TIMEOUT", "CANCELLED", "TERMINATED",
    ]
    /// Every known task status.
    public static let taskStatuses: Set<String> = terminalTaskStatuses.union([
        "PENDING", "DELIVERING", "DELIVER_DELAYED", "RUNNING", "CANCELLING",
    ])

    /// Whether an invocation status is known to be final; unknown statuses are not.
    public static func isTerminalInvocation(_ status: String) -> Bool {
        terminalInvocationStatuses.contains(status.uppercased())
    }

    /// Whether a task status is known to be final; unknown statuses are not.
    public static func isTerminalTask(_ status: String) -> Bool {
        terminalTaskStatuses.contains(status.uppercased())
    }
}
