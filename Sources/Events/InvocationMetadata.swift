import Foundation

/// What TAT reports about an invocation besides its id, status and tasks.
///
/// The one shape of this metadata: the watcher maps it once from the API record into
/// ``ObservedInvocation/metadata``, and the differ hands it unchanged to every event's
/// ``InvocationInfo/metadata``. The snapshot keeps only the two fields it needs (``timeout`` and
/// ``createdTime``, packed into ``InvocationState``). The types that hold it encode it flat, into
/// their own JSON object, so the wire form has no `metadata` key.
public struct InvocationMetadata: Codable, Sendable, Hashable {
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
    /// The command timeout in seconds (drives the RUNNING stuck limit).
    public var timeout: Int?

    /// Creates metadata; every field defaults to nil.
    public init(
        commandId: String? = nil, commandName: String? = nil, description: String? = nil,
        instanceKind: String? = nil, source: String? = nil, username: String? = nil, createdTime: Date? = nil,
        startTime: Date? = nil, endTime: Date? = nil, timeout: Int? = nil
    ) {
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
    }
}
