/// The status an ``Event`` reports: an ``InvocationStatus`` for `invocation.*` events and a
/// ``TaskStatus`` for `task.*` events, so rules, noise and templates class it with the one status
/// table without rebuilding it from a string.
///
/// On the wire it is the bare upper-case string (the level follows from the event's `type`, which
/// ``Event`` uses to pick the case when it is created or decoded). Two statuses are equal when their
/// wire values are, whatever the level, so `event.status == "FAILED"` reads as it always did; a
/// string literal makes an invocation-level status that ``Event`` re-levels to its type.
public enum EventStatus: Hashable, Sendable, Encodable, CustomStringConvertible, ExpressibleByStringLiteral {
    case invocation(InvocationStatus)
    case task(TaskStatus)

    /// The status at the level an event of `type` carries.
    public init(rawValue: String, for type: EventType) {
        self = type.isTaskLevel ? .task(TaskStatus(rawValue: rawValue)) : .invocation(InvocationStatus(rawValue: rawValue))
    }

    public init(stringLiteral value: String) { self = .invocation(InvocationStatus(rawValue: value)) }

    /// The upper-cased wire value.
    public var rawValue: String {
        switch self {
        case .invocation(let status): status.rawValue
        case .task(let status): status.rawValue
        }
    }

    public var description: String { rawValue }

    /// Whether this is a task's status.
    public var isTaskLevel: Bool {
        if case .task = self { true } else { false }
    }

    /// The same value at the level an event of `type` carries (itself when already there).
    public func leveled(for type: EventType) -> Self {
        switch (self, type.isTaskLevel) {
        case (.invocation(let status), true): .task(TaskStatus(rawValue: status.rawValue))
        case (.task(let status), false): .invocation(InvocationStatus(rawValue: status.rawValue))
        default: self
        }
    }

    /// Whether the status is final (see ``InvocationStatus/isTerminal`` and ``TaskStatus/isTerminal``).
    public var isTerminal: Bool {
        switch self {
        case .invocation(let status): status.isTerminal
        case .task(let status): status.isTerminal
        }
    }

    /// Whether the status is `SUCCESS`.
    public var isSuccess: Bool {
        switch self {
        case .invocation(let status): status == .success
        case .task(let status): status == .success
        }
    }

    /// Whether the status is a failure at its level.
    public var isFailure: Bool {
        switch self {
        case .invocation(let status): status.isFailure
        case .task(let status): status.isFailure
        }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
