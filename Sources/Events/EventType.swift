/// What an ``Event`` reports. A struct over the string so that rules files and stored outbox rows
/// written by a newer Tattle still decode.
public struct EventType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The dotted wire name, e.g. `invocation.status_changed`.
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// An invocation moved from one status to another (or was first seen, see ``Event/previousStatus``).
    public static let invocationStatusChanged = Self(rawValue: "invocation.status_changed")
    /// One instance's task moved from one status to another.
    public static let taskStatusChanged = Self(rawValue: "task.status_changed")
    /// An invocation has stayed non-terminal past its limit.
    public static let invocationStuck = Self(rawValue: "invocation.stuck")
    /// A task has stayed non-terminal past its limit.
    public static let taskStuck = Self(rawValue: "task.stuck")

    /// Every type this version of Tattle emits.
    public static let all: [Self] = [.invocationStatusChanged, .taskStatusChanged, .invocationStuck, .taskStuck]

    /// Whether the event is about a single task rather than the whole invocation.
    public var isTaskLevel: Bool { self == .taskStatusChanged || self == .taskStuck }
}
