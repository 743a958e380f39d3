import Foundation

/// What Tattle last knew about one invocation: the part of a snapshot the differ compares against
/// and the store persists. Metadata is not kept here (events take it from the fresh observation),
/// which keeps a retained, terminal invocation small.
public struct InvocationState: Codable, Sendable, Hashable {
    /// `inv-…`
    public var id: String
    public var status: InvocationStatus
    /// When Tattle first observed the current ``status`` (drives stuck detection).
    public var statusSince: Date
    /// The command timeout in seconds, for the RUNNING stuck limit.
    public var timeout: Int?
    /// When TAT created the invocation (discovery stops at known ground by this).
    public var createdTime: Date?
    /// The tasks, one per instance.
    public var tasks: [TaskState]
    /// Whether an `invocation.stuck` event already fired for the current status.
    public var stuckFired: Bool

    public init(
        id: String, status: InvocationStatus, statusSince: Date, timeout: Int? = nil, createdTime: Date? = nil,
        tasks: [TaskState] = [], stuckFired: Bool = false
    ) {
        self.id = id
        self.status = status
        self.statusSince = statusSince
        self.timeout = timeout
        self.createdTime = createdTime
        self.tasks = tasks
        self.stuckFired = stuckFired
    }
}

/// What Tattle last knew about one task.
public struct TaskState: Codable, Sendable, Hashable {
    /// `invt-…`
    public var id: String
    public var instanceId: String
    public var status: TaskStatus
    /// When Tattle first observed the current ``status``.
    public var statusSince: Date
    /// Whether a `task.stuck` event already fired for the current status.
    public var stuckFired: Bool

    public init(id: String, instanceId: String, status: TaskStatus, statusSince: Date, stuckFired: Bool = false) {
        self.id = id
        self.instanceId = instanceId
        self.status = status
        self.statusSince = statusSince
        self.stuckFired = stuckFired
    }
}
