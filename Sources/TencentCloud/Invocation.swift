import Foundation

/// One TAT execution activity (`inv-…`), as returned by `DescribeInvocations` (API 2020-10-28).
///
/// Every field is optional: a missing or null field decodes as nil. Statuses stay raw strings so an
/// unknown value decodes fine (Events' `InvocationStatus` and `TaskStatus` are the one table of known ones). Wire keys are PascalCase.
public struct Invocation: Codable, Sendable, Hashable {
    /// `inv-xxxxxxxx`.
    public var invocationId: String?
    /// `cmd-…`; RunCommand's temporary commands are deleted once they finish.
    public var commandId: String?
    /// The command's name.
    public var commandName: String?
    /// PENDING, RUNNING, CANCELLING, SUCCESS, TIMEOUT, FAILED, CANCELLED, PARTIAL_FAILED, PARTIAL_CANCELLED, …
    public var invocationStatus: String?
    /// One entry per instance.
    public var invocationTaskBasicInfoSet: [InvocationTaskBasicInfo]?
    /// Free text.
    public var description: String?
    /// When the invocation started.
    @TATTimestamp public var startTime: Date?
    /// When it ended; null while it runs.
    @TATTimestamp public var endTime: Date?
    /// When it was created.
    @TATTimestamp public var createdTime: Date?
    /// When it last changed.
    @TATTimestamp public var updatedTime: Date?
    /// JSON-encoded custom parameters.
    public var parameters: String?
    /// JSON-encoded default parameters.
    public var defaultParameters: String?
    /// `CVM` or `LIGHTHOUSE`.
    public var instanceKind: String?
    /// The user the command runs as.
    public var username: String?
    /// `USER` (a user's call) or `INVOKER` (a scheduled run); compare case-insensitively.
    public var invocationSource: String?
    /// Base64 of the command text.
    public var commandContent: String?
    /// SHELL, POWERSHELL or BAT.
    public var commandType: String?
    /// Timeout in seconds.
    public var timeout: Int?
    /// The working directory.
    public var workingDirectory: String?
    /// The COS bucket URL output is uploaded to.
    public var outputCOSBucketUrl: String?
    /// The COS key prefix of uploaded output.
    public var outputCOSKeyPrefix: String?

    /// Creates an invocation; every field defaults to nil.
    public init(
        invocationId: String? = nil, commandId: String? = nil, commandName: String? = nil,
        invocationStatus: String? = nil, invocationTaskBasicInfoSet: [InvocationTaskBasicInfo]? = nil,
        description: String? = nil, startTime: Date? = nil, endTime: Date? = nil, createdTime: Date? = nil,
        updatedTime: Date? = nil, parameters: String? = nil, defaultParameters: String? = nil,
        instanceKind: String? = nil, username: String? = nil, invocationSource: String? = nil,
        commandContent: String? = nil, commandType: String? = nil, timeout: Int? = nil,
        workingDirectory: String? = nil, outputCOSBucketUrl: String? = nil, outputCOSKeyPrefix: String? = nil
    ) {
        self.invocationId = invocationId
        self.commandId = commandId
        self.commandName = commandName
        self.invocationStatus = invocationStatus
        self.invocationTaskBasicInfoSet = invocationTaskBasicInfoSet
        self.description = description
        self.startTime = startTime
        self.endTime = endTime
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.parameters = parameters
        self.defaultParameters = defaultParameters
        self.instanceKind = instanceKind
        self.username = username
        self.invocationSource = invocationSource
        self.commandContent = commandContent
        self.commandType = commandType
        self.timeout = timeout
        self.workingDirectory = workingDirectory
        self.outputCOSBucketUrl = outputCOSBucketUrl
        self.outputCOSKeyPrefix = outputCOSKeyPrefix
    }

    enum CodingKeys: String, CodingKey {
        case invocationId = "InvocationId"
        case commandId = "CommandId"
        case commandName = "CommandName"
        case invocationStatus = "InvocationStatus"
        case invocationTaskBasicInfoSet = "InvocationTaskBasicInfoSet"
        case description = "Description"
        case startTime = "StartTime"
        case endTime = "EndTime"
        case createdTime = "CreatedTime"
        case updatedTime = "UpdatedTime"
        case parameters = "Parameters"
        case defaultParameters = "DefaultParameters"
        case instanceKind = "InstanceKind"
        case username = "Username"
        case invocationSource = "InvocationSource"
        case commandContent = "CommandContent"
        case commandType = "CommandType"
        case timeout = "Timeout"
        case workingDirectory = "WorkingDirectory"
        case outputCOSBucketUrl = "OutputCOSBucketUrl"
        case outputCOSKeyPrefix = "OutputCOSKeyPrefix"
    }
}

/// One instance's task inside an `Invocation` (`InvocationTaskBasicInfoSet`).
public struct InvocationTaskBasicInfo: Codable, Sendable, Hashable {
    /// `invt-…`.
    public var invocationTaskId: String?
    /// A task status (the known ones: Events' `TaskStatus`), raw.
    public var taskStatus: String?
    /// The instance the task runs on (`ins-…`, `lhins-…`, `mi-…`).
    public var instanceId: String?

    /// Creates the basic info; every field defaults to nil.
    public init(invocationTaskId: String? = nil, taskStatus: String? = nil, instanceId: String? = nil) {
        self.invocationTaskId = invocationTaskId
        self.taskStatus = taskStatus
        self.instanceId = instanceId
    }

    enum CodingKeys: String, CodingKey {
        case invocationTaskId = "InvocationTaskId"
        case taskStatus = "TaskStatus"
        case instanceId = "InstanceId"
    }
}
