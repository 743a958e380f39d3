import Foundation

/// One invocation as a poll saw it: everything an event needs, free of any API type so that the
/// differ stays pure. The watcher maps TAT's `Invocation` into this. The metadata's fields read as
/// the observation's own (`observation.commandName`).
@dynamicMemberLookup
public struct ObservedInvocation: Sendable, Hashable {
    /// `inv-…`
    public var id: String
    /// The status TAT reported (unknown values are carried through).
    public var status: InvocationStatus
    /// Command, times, timeout and the rest, as events carry them.
    public var metadata: InvocationMetadata
    /// One task per instance. The differ is fastest when these are sorted by id (the watcher sorts them),
    /// but any order is accepted.
    public var tasks: [ObservedTask]

    /// Creates an observation; metadata defaults to none and tasks to none.
    public init(
        id: String, status: InvocationStatus, metadata: InvocationMetadata = InvocationMetadata(),
        tasks: [ObservedTask] = []
    ) {
        self.id = id
        self.status = status
        self.metadata = metadata
        self.tasks = tasks
    }

    /// A metadata field, read and written as the observation's own.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<InvocationMetadata, Value>) -> Value {
        get { metadata[keyPath: field] }
        set { metadata[keyPath: field] = newValue }
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
