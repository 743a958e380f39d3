import Foundation

/// The invocation an event belongs to: its metadata as TAT reports it plus derived task counts.
///
/// The metadata's fields read as the invocation's own (`event.invocation.commandName`) and are
/// encoded flat beside ``id`` and ``status``, so the JSON is the documented `invocation` object.
@dynamicMemberLookup
public struct InvocationInfo: Codable, Sendable, Hashable {
    /// `inv-…`
    public var id: String
    /// The invocation's current status.
    public var status: InvocationStatus
    /// Command, times, timeout and the rest, as the observation carried them.
    public var metadata: InvocationMetadata
    /// Number of tasks in each status (a JSON object keyed by the raw status value).
    public var taskCounts: [TaskStatus: Int]
    /// Number of instances (tasks) in the invocation.
    public var instanceCount: Int
    /// On a terminal status: every instance whose task did not succeed. `nil` while non-terminal.
    public var failedInstances: [InstanceOutcome]?

    public init(
        id: String, status: InvocationStatus, metadata: InvocationMetadata = InvocationMetadata(),
        taskCounts: [TaskStatus: Int] = [:], instanceCount: Int = 0, failedInstances: [InstanceOutcome]? = nil
    ) {
        self.id = id
        self.status = status
        self.metadata = metadata
        self.taskCounts = taskCounts
        self.instanceCount = instanceCount
        self.failedInstances = failedInstances
    }

    /// A metadata field, read and written as the invocation's own.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<InvocationMetadata, Value>) -> Value {
        get { metadata[keyPath: field] }
        set { metadata[keyPath: field] = newValue }
    }

    private enum CodingKeys: String, CodingKey {
        case id, status, taskCounts, instanceCount, failedInstances
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.status = try container.decode(InvocationStatus.self, forKey: .status)
        self.metadata = try InvocationMetadata(from: decoder)
        self.taskCounts = try container.decode([TaskStatus: Int].self, forKey: .taskCounts)
        self.instanceCount = try container.decode(Int.self, forKey: .instanceCount)
        self.failedInstances = try container.decodeIfPresent([InstanceOutcome].self, forKey: .failedInstances)
    }

    public func encode(to encoder: any Encoder) throws {
        try metadata.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(taskCounts, forKey: .taskCounts)
        try container.encode(instanceCount, forKey: .instanceCount)
        try container.encodeIfPresent(failedInstances, forKey: .failedInstances)
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
