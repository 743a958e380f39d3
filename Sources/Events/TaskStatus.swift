/// The status of one instance's task within an invocation.
///
/// Like ``InvocationStatus`` a struct over the raw, upper-cased string so unknown values survive.
public struct TaskStatus: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral, CodingKeyRepresentable {
    /// The upper-cased wire value.
    public let rawValue: String

    /// Creates a status from its wire value; any string is accepted.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// A literal is a wire value, e.g. `"FAILED"`.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// As a dictionary key (``InvocationInfo/taskCounts``) the status is its wire value.
    public var codingKey: any CodingKey { Key(stringValue: rawValue) }

    public init?<T: CodingKey>(codingKey: T) { self.init(rawValue: codingKey.stringValue) }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { return nil }
    }

    public static let pending = Self(rawValue: "PENDING")
    public static let delivering = Self(rawValue: "DELIVERING")
    public static let deliverDelayed = Self(rawValue: "DELIVER_DELAYED")
    public static let running = Self(rawValue: "RUNNING")
    public static let cancelling = Self(rawValue: "CANCELLING")
    public static let deliverFailed = Self(rawValue: "DELIVER_FAILED")
    public static let startFailed = Self(rawValue: "START_FAILED")
    public static let success = Self(rawValue: "SUCCESS")
    public static let failed = Self(rawValue: "FAILED")
    public static let timeout = Self(rawValue: "TIMEOUT")
    public static let taskTimeout = Self(rawValue: "TASK_TIMEOUT")
    public static let cancelled = Self(rawValue: "CANCELLED")
    public static let terminated = Self(rawValue: "TERMINATED")

    /// Every value documented for API version 2020-10-28.
    public static let known: [Self] = [
        .pending, .delivering, .deliverDelayed, .running, .cancelling, .deliverFailed, .startFailed, .success,
        .failed, .timeout, .taskTimeout, .cancelled, .terminated,
    ]

    /// Whether the value is one of the documented ones.
    public var isKnown: Bool { Self.known.contains(self) }

    /// The byte the snapshot keeps for each status.
    package static let codes = StatusCode(known: known.map(\.rawValue))

    /// The status in one byte (see ``StatusCode``).
    package var code: UInt8 { Self.codes.code(rawValue) }

    /// The status a byte from ``code`` stands for.
    package init(code: UInt8) {
        self = Self.codes.isKnown(code) ? Self.known[Int(code)] : Self(rawValue: Self.codes.raw(code))
    }

    /// Whether the task will not change any more. Unknown values count as non-terminal.
    public var isTerminal: Bool {
        switch self {
        case .deliverFailed, .startFailed, .success, .failed, .timeout, .taskTimeout, .cancelled, .terminated: true
        default: false
        }
    }

    /// Whether the task ended badly: FAILED, TIMEOUT, TASK_TIMEOUT, START_FAILED and DELIVER_FAILED.
    public var isFailure: Bool {
        switch self {
        case .failed, .timeout, .taskTimeout, .startFailed, .deliverFailed: true
        default: false
        }
    }

    /// Whether the task ended badly enough (``isFailure``) that its exit code, error and output tail
    /// are worth fetching.
    public var needsDetails: Bool { isFailure }

    /// Whether the task is waiting to be delivered or being delivered (stuck detection uses a fixed
    /// limit for these rather than the command timeout).
    public var isAwaitingDelivery: Bool {
        switch self {
        case .pending, .delivering, .deliverDelayed: true
        default: false
        }
    }
}
