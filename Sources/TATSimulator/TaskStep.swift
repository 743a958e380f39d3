/// One scripted step in a task's life: `after` the previous step (or the invocation's creation, for the
/// first step), the task moves to `status`.
///
/// For terminal statuses `exitCode`, `output` and `errorInfo` fill the task's result; when nil the
/// simulator uses a realistic default for the status (exit code 0 and a short log for SUCCESS, exit 1
/// and a log ending in a stack trace for FAILED, an `ErrorInfo` message for the other failures).
public struct TaskStep: Sendable, Hashable {
    /// Simulated time after the previous step (or after creation, for the first step).
    public var after: Duration
    /// The status the task moves to.
    public var status: FleetTaskStatus
    /// The exit code reported once terminal. Default nil: derived from the status.
    public var exitCode: Int64?
    /// The command output (plain text; the API sends it Base64). Default nil: derived from the status.
    public var output: String?
    /// The `ErrorInfo` reported for failures. Default nil: derived from the status.
    public var errorInfo: String?

    /// Creates a step.
    public init(
        after: Duration, _ status: FleetTaskStatus, exitCode: Int64? = nil, output: String? = nil,
        errorInfo: String? = nil
    ) {
        self.after = after
        self.status = status
        self.exitCode = exitCode
        self.output = output
        self.errorInfo = errorInfo
    }

    /// A step, spelled like a table row: `.after(.seconds(2), .running)`.
    public static func after(
        _ delay: Duration, _ status: FleetTaskStatus, exitCode: Int64? = nil, output: String? = nil,
        errorInfo: String? = nil
    ) -> TaskStep {
        TaskStep(after: delay, status, exitCode: exitCode, output: output, errorInfo: errorInfo)
    }

    /// The usual happy path: delivered after 0.5 s, running after 1 s, SUCCESS after `runFor`.
    public static func succeeding(after runFor: Duration = .seconds(3), output: String = "ok\n") -> [TaskStep] {
        [
            .after(.milliseconds(500), .delivering), .after(.milliseconds(500), .running),
            .after(runFor, .success, exitCode: 0, output: output),
        ]
    }

    /// Delivered and running like `succeeding`, then FAILED with `exitCode` after `runFor`.
    public static func failing(
        after runFor: Duration = .seconds(3), exitCode: Int64 = 1, output: String? = nil
    ) -> [TaskStep] {
        [
            .after(.milliseconds(500), .delivering), .after(.milliseconds(500), .running),
            .after(runFor, .failed, exitCode: exitCode, output: output),
        ]
    }
}
