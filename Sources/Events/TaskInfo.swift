import Foundation

/// One instance's task, carried by `task.*` events.
///
/// What `DescribeInvocationTasks` adds (exit code, error, output, times) is its ``details``, whose
/// fields read as the task's own (`task.exitCode`) and are encoded flat beside ``id`` and ``status``.
@dynamicMemberLookup
public struct TaskInfo: Codable, Sendable, Hashable {
    /// `invt-…`
    public var id: String
    /// `ins-…` (CVM), `lhins-…` (Lighthouse) or a managed instance id.
    public var instanceId: String
    /// The task's current status.
    public var status: TaskStatus
    /// Present when the task ended badly (FAILED, TIMEOUT, TASK_TIMEOUT, START_FAILED,
    /// DELIVER_FAILED) and the details could be fetched; empty otherwise.
    public var details: TaskDetails

    public init(id: String, instanceId: String, status: TaskStatus, details: TaskDetails = TaskDetails()) {
        self.id = id
        self.instanceId = instanceId
        self.status = status
        self.details = details
    }

    /// A details field, read and written as the task's own.
    @inlinable
    public subscript<Value>(dynamicMember field: WritableKeyPath<TaskDetails, Value>) -> Value {
        get { details[keyPath: field] }
        set { details[keyPath: field] = newValue }
    }

    private enum CodingKeys: String, CodingKey {
        case id, instanceId, status
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.instanceId = try container.decode(String.self, forKey: .instanceId)
        self.status = try container.decode(TaskStatus.self, forKey: .status)
        self.details = try TaskDetails(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(instanceId, forKey: .instanceId)
        try container.encode(status, forKey: .status)
    }
}

/// The tail of a task's output: at most a bounded number of bytes, cut on a UTF-8 boundary.
public struct OutputTail: Codable, Sendable, Hashable {
    /// The text (invalid UTF-8 in the original output is replaced with U+FFFD).
    public var text: String
    /// Bytes of decoded output left out before ``text``.
    public var omittedBytes: Int

    public init(text: String, omittedBytes: Int) {
        self.text = text
        self.omittedBytes = omittedBytes
    }

    /// The default bound on the tail, in bytes.
    public static let defaultLimit = 2048

    /// Takes the last `limit` bytes of `output`, moved forward to the next UTF-8 character start so
    /// no character is split.
    public init(decodedOutput output: [UInt8], limit: Int = OutputTail.defaultLimit) {
        var start = max(0, output.count - max(0, limit))
        while start < output.count, output[start] & 0b1100_0000 == 0b1000_0000 { start += 1 }
        self.text = String(decoding: output[start...], as: UTF8.self)
        self.omittedBytes = start
    }
}

/// How long an invocation or task has been stuck, for `*.stuck` events.
public struct StuckInfo: Codable, Sendable, Hashable {
    /// When Tattle first saw it in the current status.
    public var since: Date
    /// Seconds spent in the status when the event fired.
    public var seconds: Double
    /// The limit that was exceeded, in seconds.
    public var limitSeconds: Double

    public init(since: Date, seconds: Double, limitSeconds: Double) {
        self.since = since
        self.seconds = seconds
        self.limitSeconds = limitSeconds
    }
}
