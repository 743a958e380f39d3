import Foundation

/// One instance's task of an invocation (`invt-…`), as returned by `DescribeInvocationTasks`.
///
/// Every field is optional: a missing or null field decodes as nil. Statuses stay raw strings.
public struct InvocationTask: Codable, Sendable, Hashable {
    /// `inv-…`.
    public var invocationId: String?
    /// `invt-…`.
    public var invocationTaskId: String?
    /// `cmd-…`.
    public var commandId: String?
    /// PENDING, DELIVERING, DELIVER_DELAYED, RUNNING, CANCELLING, DELIVER_FAILED, START_FAILED, SUCCESS,
    /// FAILED, TIMEOUT, TASK_TIMEOUT, CANCELLED, TERMINATED, …
    public var taskStatus: String?
    /// The instance id.
    public var instanceId: String?
    /// Exit code and output.
    public var taskResult: TaskResult?
    /// May be null.
    @TATTimestamp public var startTime: Date?
    /// May be null.
    @TATTimestamp public var endTime: Date?
    /// When the task was created.
    @TATTimestamp public var createdTime: Date?
    /// When it last changed.
    @TATTimestamp public var updatedTime: Date?
    /// The command as it was run.
    public var commandDocument: CommandDocument?
    /// The error message when the task fails.
    public var errorInfo: String?
    /// `USER` or `INVOKER` (the official example has `user`: compare case-insensitively).
    public var invocationSource: String?
    /// The command's name.
    public var commandName: String?

    /// Creates a task; every field defaults to nil.
    public init(
        invocationId: String? = nil, invocationTaskId: String? = nil, commandId: String? = nil,
        taskStatus: String? = nil, instanceId: String? = nil, taskResult: TaskResult? = nil,
        startTime: Date? = nil, endTime: Date? = nil, createdTime: Date? = nil, updatedTime: Date? = nil,
        commandDocument: CommandDocument? = nil, errorInfo: String? = nil, invocationSource: String? = nil,
        commandName: String? = nil
    ) {
        self.invocationId = invocationId
        self.invocationTaskId = invocationTaskId
        self.commandId = commandId
        self.taskStatus = taskStatus
        self.instanceId = instanceId
        self.taskResult = taskResult
        self.startTime = startTime
        self.endTime = endTime
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.commandDocument = commandDocument
        self.errorInfo = errorInfo
        self.invocationSource = invocationSource
        self.commandName = commandName
    }

    enum CodingKeys: String, CodingKey {
        case invocationId = "InvocationId"
        case invocationTaskId = "InvocationTaskId"
        case commandId = "CommandId"
        case taskStatus = "TaskStatus"
        case instanceId = "InstanceId"
        case taskResult = "TaskResult"
        case startTime = "StartTime"
        case endTime = "EndTime"
        case createdTime = "CreatedTime"
        case updatedTime = "UpdatedTime"
        case commandDocument = "CommandDocument"
        case errorInfo = "ErrorInfo"
        case invocationSource = "InvocationSource"
        case commandName = "CommandName"
    }
}

/// The command as a task ran it (`InvocationTask.CommandDocument`).
public struct CommandDocument: Codable, Sendable, Hashable {
    /// Base64 of the command text.
    public var content: String?
    /// SHELL, POWERSHELL or BAT.
    public var commandType: String?
    /// Timeout in seconds.
    public var timeout: Int?
    /// The working directory.
    public var workingDirectory: String?
    /// The user the command runs as.
    public var username: String?
    /// The COS bucket URL output is uploaded to.
    public var outputCOSBucketUrl: String?
    /// The COS key prefix of uploaded output.
    public var outputCOSKeyPrefix: String?

    /// Creates a document; every field defaults to nil.
    public init(
        content: String? = nil, commandType: String? = nil, timeout: Int? = nil, workingDirectory: String? = nil,
        username: String? = nil, outputCOSBucketUrl: String? = nil, outputCOSKeyPrefix: String? = nil
    ) {
        self.content = content
        self.commandType = commandType
        self.timeout = timeout
        self.workingDirectory = workingDirectory
        self.username = username
        self.outputCOSBucketUrl = outputCOSBucketUrl
        self.outputCOSKeyPrefix = outputCOSKeyPrefix
    }

    enum CodingKeys: String, CodingKey {
        case content = "Content"
        case commandType = "CommandType"
        case timeout = "Timeout"
        case workingDirectory = "WorkingDirectory"
        case username = "Username"
        case outputCOSBucketUrl = "OutputCOSBucketUrl"
        case outputCOSKeyPrefix = "OutputCOSKeyPrefix"
    }
}
