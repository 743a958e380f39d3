import Foundation

/// What Tattle last knew about one invocation: the part of a snapshot the differ compares against
/// and the store persists. Metadata is not kept here (events take it from the fresh observation),
/// which keeps a retained, terminal invocation small.
///
/// Stored packed (the poller keeps one per tracked invocation, 100,000 and more): the id as a
/// ``CompactID``, the status in a byte (``StatusCode``), the timeout in 32 bits, the created time as
/// a `Double` with NaN for none. The properties read and write it as the plain values.
public struct InvocationState: Codable, Sendable, Hashable {
    private var packedID: CompactID
    /// When Tattle first observed the current ``status`` (drives stuck detection).
    public var statusSince: Date
    private var created: Double
    /// The tasks, one per instance.
    public var tasks: [TaskState]
    private var timeoutSeconds: Int32
    private var statusCode: UInt8
    /// Whether an `invocation.stuck` event already fired for the current status.
    public var stuckFired: Bool

    /// `inv-…`
    public var id: String {
        get { packedID.string }
        set { packedID = CompactID(newValue) }
    }

    public var status: InvocationStatus {
        get { InvocationStatus(code: statusCode) }
        set { statusCode = newValue.code }
    }

    /// The command timeout in seconds, for the RUNNING stuck limit (kept within ±2^31 s).
    public var timeout: Int? {
        get { timeoutSeconds == .min ? nil : Int(timeoutSeconds) }
        set { timeoutSeconds = newValue.map { Int32(clamping: $0) }.map { $0 == .min ? .min + 1 : $0 } ?? .min }
    }

    /// When TAT created the invocation (discovery stops at known ground by this).
    public var createdTime: Date? {
        get { created.isNaN ? nil : Date(timeIntervalSince1970: created) }
        set { created = newValue?.timeIntervalSince1970 ?? .nan }
    }

    public init(
        id: String, status: InvocationStatus, statusSince: Date, timeout: Int? = nil, createdTime: Date? = nil,
        tasks: [TaskState] = [], stuckFired: Bool = false
    ) {
        self.packedID = CompactID(id)
        self.statusSince = statusSince
        self.created = .nan
        self.tasks = tasks
        self.timeoutSeconds = .min
        self.statusCode = 0
        self.stuckFired = stuckFired
        self.status = status
        self.timeout = timeout
        self.createdTime = createdTime
    }

    public static func == (left: Self, right: Self) -> Bool {
        left.packedID == right.packedID && left.statusCode == right.statusCode && left.statusSince == right.statusSince
            && left.created.bitPattern == right.created.bitPattern && left.timeoutSeconds == right.timeoutSeconds
            && left.stuckFired == right.stuckFired && left.tasks == right.tasks
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(packedID)
        hasher.combine(statusCode)
        hasher.combine(statusSince)
        hasher.combine(created.bitPattern)
        hasher.combine(timeoutSeconds)
        hasher.combine(stuckFired)
        hasher.combine(tasks)
    }

    /// The Codable form: the plain values under their property names.
    private struct Plain: Codable {
        var id: String
        var status: InvocationStatus
        var statusSince: Date
        var timeout: Int?
        var createdTime: Date?
        var tasks: [TaskState]
        var stuckFired: Bool
    }

    public init(from decoder: any Decoder) throws {
        let plain = try Plain(from: decoder)
        self.init(
            id: plain.id, status: plain.status, statusSince: plain.statusSince, timeout: plain.timeout,
            createdTime: plain.createdTime, tasks: plain.tasks, stuckFired: plain.stuckFired)
    }

    public func encode(to encoder: any Encoder) throws {
        try Plain(
            id: id, status: status, statusSince: statusSince, timeout: timeout, createdTime: createdTime, tasks: tasks,
            stuckFired: stuckFired
        ).encode(to: encoder)
    }
}

/// What Tattle last knew about one task.
///
/// Packed into 20 bytes (a million of them is a fleet of 100,000 invocations × 10): the id as a
/// ``CompactID``, the instance id as its index in ``StringTable/instances`` (a fleet's instances
/// recur in every invocation), ``statusSince`` as whole Unix seconds (1970 through 2106) plus
/// microseconds, and the status byte and ``stuckFired`` beside the microseconds in one word. The
/// properties read and write it as the plain values.
public struct TaskState: Codable, Sendable, Hashable {
    package private(set) var identity: TaskIdentity
    private var seconds: UInt32
    /// Microseconds (bits 12–31), the status code (bits 4–11) and stuckFired (bit 0).
    private var word: UInt32

    /// `invt-…` (kept in ``identity``, as is the instance id).
    public var id: String { get { identity.id } set { identity.id = newValue } }
    /// `ins-…`, `lhins-…` or a managed instance id.
    public var instanceId: String { get { identity.instanceId } set { identity.instanceId = newValue } }

    public var status: TaskStatus {
        get { TaskStatus(code: UInt8(truncatingIfNeeded: word >> 4)) }
        set { word = word & ~0xFF0 | UInt32(newValue.code) << 4 }
    }

    /// When Tattle first observed the current ``status``, to the microsecond (1970 through 2106).
    public var statusSince: Date {
        get { Date(timeIntervalSince1970: Double(seconds) + Double(word >> 12) / 1_000_000) }
        set {
            let (whole, micros) = Self.split(newValue)
            seconds = whole
            word = word & 0xFFF | micros << 12
        }
    }

    /// Whether a `task.stuck` event already fired for the current status.
    public var stuckFired: Bool {
        get { word & 1 != 0 }
        set { word = newValue ? word | 1 : word & ~1 }
    }

    public init(id: String, instanceId: String, status: TaskStatus, statusSince: Date, stuckFired: Bool = false) {
        self.identity = TaskIdentity(id: id, instanceId: instanceId)
        self.seconds = 0
        self.word = 0
        self.statusSince = statusSince
        self.status = status
        self.stuckFired = stuckFired
    }

    /// Whole seconds and microseconds (rounded to the nearest), clamped to what 32 bits of seconds hold.
    private static func split(_ date: Date) -> (UInt32, UInt32) {
        let value = date.timeIntervalSince1970
        guard value > 0 else { return (0, 0) }
        guard value < Double(UInt32.max) else { return (.max, 0) }
        var whole = value.rounded(.down)
        var micros = ((value - whole) * 1_000_000).rounded()
        if micros >= 1_000_000 {
            whole += 1
            micros = 0
        }
        return (whole < Double(UInt32.max) ? UInt32(whole) : .max, UInt32(micros))
    }

    /// The status byte (see ``StatusCode``).
    package var statusCode: UInt8 { UInt8(truncatingIfNeeded: word >> 4) }

    /// The state of `task` as observed, its status since `since`: copied packed, nothing re-interned.
    package init(_ task: ObservedTask, since: Date, stuckFired: Bool = false) {
        self.identity = task.identity
        self.seconds = 0
        self.word = UInt32(task.statusCode) << 4
        self.statusSince = since
        self.stuckFired = stuckFired
    }


    /// The Codable form: the plain values under their property names.
    private struct Plain: Codable {
        var id: String
        var instanceId: String
        var status: TaskStatus
        var statusSince: Date
        var stuckFired: Bool
    }

    public init(from decoder: any Decoder) throws {
        let plain = try Plain(from: decoder)
        self.init(
            id: plain.id, instanceId: plain.instanceId, status: plain.status, statusSince: plain.statusSince,
            stuckFired: plain.stuckFired)
    }

    public func encode(to encoder: any Encoder) throws {
        try Plain(id: id, instanceId: instanceId, status: status, statusSince: statusSince, stuckFired: stuckFired)
            .encode(to: encoder)
    }
}
