import Foundation

/// One observed change of a TAT invocation or task: the unit that rules match and receivers get.
///
/// The JSON form (``Event/encoder``) is the documented, versioned event schema (see the README).
/// Field names are camelCase; times are ISO 8601 UTC; absent values are omitted.
public struct Event: Codable, Sendable, Hashable, Identifiable {
    /// The schema version this build writes. Bumped only on incompatible changes.
    public static let schemaVersion = 1

    /// Schema version of this event (``schemaVersion`` when created by this build).
    public var version: Int
    /// Deterministic id: the same change detected twice has the same id (see ``EventID``).
    public var id: String
    /// What happened. Also the level of ``status`` and ``previousStatus`` (task or invocation).
    public var type: EventType {
        didSet { level() }
    }
    /// Tencent Cloud region the invocation lives in, e.g. `ap-guangzhou`.
    public var region: String
    /// When Tattle noticed the change (not when TAT made it).
    public var detectedAt: Date
    /// Status before the change; `nil` when the invocation or task was first seen in this status.
    /// For stuck events, equal to ``status``.
    public var previousStatus: EventStatus? {
        didSet { level() }
    }
    /// Status after the change (the raw TAT value, upper case; unknown values are carried through),
    /// an ``EventStatus/task(_:)`` for task events and an ``EventStatus/invocation(_:)`` otherwise.
    public var status: EventStatus {
        didSet { level() }
    }
    /// The invocation the event belongs to, with its metadata and task counts.
    public var invocation: InvocationInfo
    /// The task, for `task.*` events.
    public var task: TaskInfo?
    /// How long and against which limit, for `*.stuck` events.
    public var stuck: StuckInfo?
    /// The name of the Tencent Cloud account the invocation lives in, as the rules file's `accounts`
    /// name it (`default` for a single-account setup). The watcher sets it; `nil` only on events made
    /// without one (the differ's own output, events stored before accounts existed).
    public var account: String?

    /// Creates an event; ``version`` is always ``schemaVersion``.
    public init(
        id: String, type: EventType, region: String, detectedAt: Date, previousStatus: EventStatus?, status: EventStatus,
        invocation: InvocationInfo, task: TaskInfo? = nil, stuck: StuckInfo? = nil, account: String? = nil
    ) {
        self.version = Self.schemaVersion
        self.id = id
        self.type = type
        self.region = region
        self.detectedAt = detectedAt
        self.previousStatus = previousStatus?.leveled(for: type)
        self.status = status.leveled(for: type)
        self.invocation = invocation
        self.task = task
        self.stuck = stuck
        self.account = account
    }

    /// Decodes the wire form; the statuses take the level of the decoded `type`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.version = try container.decode(Int.self, forKey: .version)
        self.id = try container.decode(String.self, forKey: .id)
        let type = try container.decode(EventType.self, forKey: .type)
        self.type = type
        self.region = try container.decode(String.self, forKey: .region)
        self.detectedAt = try container.decode(Date.self, forKey: .detectedAt)
        self.previousStatus = try container.decodeIfPresent(String.self, forKey: .previousStatus)
            .map { EventStatus(rawValue: $0, for: type) }
        self.status = EventStatus(rawValue: try container.decode(String.self, forKey: .status), for: type)
        self.invocation = try container.decode(InvocationInfo.self, forKey: .invocation)
        self.task = try container.decodeIfPresent(TaskInfo.self, forKey: .task)
        self.stuck = try container.decodeIfPresent(StuckInfo.self, forKey: .stuck)
        self.account = try container.decodeIfPresent(String.self, forKey: .account)
    }

    /// Keeps the statuses at the level of ``type`` after any of the three changes; it sets a status
    /// only when the level differs, so the observers it calls again stop at once.
    private mutating func level() {
        if status.isTaskLevel != type.isTaskLevel { status = status.leveled(for: type) }
        if let previous = previousStatus, previous.isTaskLevel != type.isTaskLevel {
            previousStatus = previous.leveled(for: type)
        }
    }
}

extension Event {
    /// The encoder for the documented wire form: sorted keys, ISO 8601 dates, no slash escaping.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    /// The decoder matching ``encoder``.
    public static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
