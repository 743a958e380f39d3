import Foundation

/// The invocation an event belongs to: its metadata as TAT reports it plus derived task counts.
public struct InvocationInfo: Codable, Sendable, Hashable {
    /// `inv-…`
    public var id: String
    /// `cmd-…`; commands sent with RunCommand are temporary.
    public var commandId: String?
    public var commandName: String?
    public var description: String?
    /// `CVM` or `LIGHTHOUSE`.
    public var instanceKind: String?
    /// `USER` (called by a user) or `INVOKER` (scheduled run); upper-cased.
    public var source: String?
    /// The OS user the command runs as.
    public var username: String?
    public var createdTime: Date?
    public var startTime: Date?
    public var endTime: Date?
    /// The command timeout in seconds.
    public var timeout: Int?
    /// The invocation's current status.
    public var status: InvocationStatus
    /// Number of tasks in each status (a JSON object keyed by the raw status value).
    public var taskCounts: [TaskStatus: Int]
    /// Number of instances (tasks) in the invocation.
    public var instanceCount: Int
    /// On a terminal status: every instance whose task did not succeed. `nil` while non-terminal.
    public var failedInstances: [InstanceOutcome]?

    public init(
        id: String, commandId: String? = nil, commandName: String? = nil, description: String? = nil,
        instanceKind: String? = nil, source: String? = nil, username: String? = nil, createdTime: Date? = nil,
        startTime: Date? = nil, endTime: Date? = nil, timeout: Int? = nil, status: InvocationStatus,
        taskCounts: [TaskStatus: Int] = [:], instanceCount: Int = 0, failedInstances: [InstanceOutcome]? = nil
    ) {
        self.id = id
        self.commandId = commandId
        self.commandName = commandName
        self.description = description
        self.instanceKind = instanceKind
        self.source = source
        self.username = username
        self.createdTime = createdTime
        self.startTime = startTime
        self.endTime = endTime
        self.timeout = timeout
        self.status = status
        self.taskCounts = taskCounts
        self.instanceCount = instanceCount
        self.failedInstances = failedInstances
    }
}

/// One instance that did not succeed, listed on an invocation's terminal event.
public struct InstanceOutcome: Codable, Sendable, Hashable {
    public var instanceId: String
    public var taskId: String
    public var status: TaskStatus
    /// Exit code when the details were fetched.
    public var exitCode: Int?
    /// TAT's error message for the task (`ErrorInfo`), when the details were fetched and it has one.
    public var errorInfo: String?
    /// The bounded tail of the task's decoded output, for the first ``detailedCount`` failed
    /// instances of the invocation (so an event with hundreds of failures stays small).
    public var output: OutputTail?

    /// How many failed instances of one invocation carry their output tail in the event. Default 10.
    public static let detailedCount = 10

    public init(
        instanceId: String, taskId: String, status: TaskStatus, exitCode: Int? = nil, errorInfo: String? = nil,
        output: OutputTail? = nil
    ) {
        self.instanceId = instanceId
        self.taskId = taskId
        self.status = status
        self.exitCode = exitCode
        self.errorInfo = errorInfo
        self.output = output
    }
}
