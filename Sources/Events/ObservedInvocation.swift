import Foundation

/// One invocation as a poll saw it: everything an event needs, free of any API type so that the
/// differ stays pure. The watcher maps TAT's `Invocation` into this.
public struct ObservedInvocation: Sendable, Hashable {
    /// `inv-…`
    public var id: String
    /// The status TAT reported (unknown values are carried through).
    public var status: InvocationStatus
    public var commandId: String?
    public var commandName: String?
    public var description: String?
    /// `CVM` or `LIGHTHOUSE`.
    public var instanceKind: String?
    /// `USER` or `INVOKER`, upper-cased.
    public var source: String?
    public var username: String?
    public var createdTime: Date?
    public var startTime: Date?
    public var endTime: Date?
    /// The command timeout in seconds (drives the RUNNING stuck limit).
    public var timeout: Int?
    /// One task per instance. The differ is fastest when these are sorted by id (the watcher sorts them),
    /// but any order is accepted.
    public var tasks: [ObservedTask]

    /// Creates an observation; metadata defaults to nil and tasks to none.
    public init(
        id: String, status: InvocationStatus, commandId: String? = nil, commandName: String? = nil,
        description: String? = nil, instanceKind: String? = nil, source: String? = nil, username: String? = nil,
        createdTime: Date? = nil, startTime: Date? = nil, endTime: Date? = nil, timeout: Int? = nil,
        tasks: [ObservedTask] = []
    ) {
        self.id = id
        self.status = status
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
        self.tasks = tasks
    }
}

/// One instance's task as a poll saw it (`InvocationTaskBasicInfo`).
///
/// Packed the way ``TaskState`` is (id, interned instance, status byte), so that the differ's quiet
/// path compares a task with its state as three integers.
public struct ObservedTask: Sendable, Hashable {
    package private(set) var identity: TaskIdentity
    package private(set) var statusCode: UInt8

    /// `invt-…` (kept in ``identity``, as is the instance id).
    public var id: String { get { identity.id } set { identity.id = newValue } }
    /// `ins-…`, `lhins-…` or a managed instance id.
    public var instanceId: String { get { identity.instanceId } set { identity.instanceId = newValue } }

    /// The status TAT reported (unknown values are carried through).
    public var status: TaskStatus {
        get { TaskStatus(code: statusCode) }
        set { statusCode = newValue.code }
    }

    /// Creates a task observation.
    public init(id: String, instanceId: String, status: TaskStatus) {
        self.identity = TaskIdentity(id: id, instanceId: instanceId)
        self.statusCode = status.code
    }
}
