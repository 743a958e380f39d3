/// One instance's task as the simulator stores it. Times are offsets from the fleet clock's origin.
struct FleetTask: Sendable {
    /// A plan step pinned to the simulated time it takes effect.
    struct ScheduledStep: Sendable {
        var at: Duration
        var step: TaskStep
    }

    /// The most output bytes the API returns; the rest is counted in `Dropped` (tat-api.md §1, 24 KB).
    static let outputLimit = 24 * 1024

    var id: String
    var instanceId: String
    var status: FleetTaskStatus = .pending
    var created: Duration
    var updated: Duration
    var start: Duration?
    var end: Duration?
    var execStart: Duration?
    var execEnd: Duration?
    var exitCode: Int64 = 0
    /// The full output; the API shows at most `outputLimit` bytes of it.
    var output: [UInt8] = []
    var errorInfo: String = ""
    var plan: [ScheduledStep]

    /// Pins a relative plan to absolute times, starting at `created`.
    init(id: String, instanceId: String, created: Duration, plan: [TaskStep]) {
        self.id = id
        self.instanceId = instanceId
        self.created = created
        self.updated = created
        var at = created
        self.plan = plan.map { step in
            at += max(step.after, .zero)
            return ScheduledStep(at: at, step: step)
        }
    }

    /// Whether a scripted step is still to come.
    var hasPendingSteps: Bool { !plan.isEmpty }

    /// Applies every step due at or before `now`; returns whether anything changed.
    mutating func advance(to now: Duration) -> Bool {
        var changed = false
        while let next = plan.first, next.at <= now {
            plan.removeFirst()
            apply(next.step, at: next.at)
            changed = true
        }
        return changed
    }

    /// Moves the task to `step.status` at simulated time `at`, filling times and the result.
    mutating func apply(_ step: TaskStep, at: Duration) {
        status = step.status
        updated = at
        if step.status == .running || (step.status.hasStarted && execStart == nil) {
            if start == nil { start = at }
            if execStart == nil { execStart = at }
        }
        if step.status.isTerminal {
            if start == nil, step.status != .cancelled, step.status != .deliverFailed { start = at }
            end = at
            if execStart != nil { execEnd = at }
            exitCode = step.exitCode ?? Self.defaultExitCode(for: step.status)
            errorInfo = step.errorInfo ?? Self.defaultErrorInfo(for: step.status, exitCode: exitCode)
        }
        if let text = step.output {
            output = Array(text.utf8)
        } else if step.status.isTerminal, output.isEmpty {
            output = Array(Self.defaultOutput(for: step.status).utf8)
        }
    }

    /// The output bytes the API returns and the count of bytes dropped beyond the 24 KB limit.
    var visibleOutput: (bytes: ArraySlice<UInt8>, dropped: Int) {
        guard output.count > Self.outputLimit else { return (output[...], 0) }
        return (output.prefix(Self.outputLimit), output.count - Self.outputLimit)
    }

    static func defaultExitCode(for status: FleetTaskStatus) -> Int64 {
        switch status {
        case .failed: 1
        case .timeout, .terminated: 137
        case .startFailed: 127
        default: 0
        }
    }

    static func defaultErrorInfo(for status: FleetTaskStatus, exitCode: Int64) -> String {
        switch status {
        case .failed: "command exited with code \(exitCode)"
        case .timeout: "command execution timed out, process killed"
        case .taskTimeout: "agent did not report the task result in time"
        case .startFailed: "failed to start command: exec: \"bash\": executable file not found in $PATH"
        case .deliverFailed: "failed to deliver the command: agent is offline"
        case .terminated: "command terminated by user"
        case .cancelled: "invocation cancelled before the command started"
        default: ""
        }
    }

    static func defaultOutput(for status: FleetTaskStatus) -> String {
        switch status {
        case .success: "ok\n"
        case .failed: OutputCatalog.genericFailure
        case .timeout: "waiting for lock /var/lib/dpkg/lock-frontend...\n"
        default: ""
        }
    }
}
