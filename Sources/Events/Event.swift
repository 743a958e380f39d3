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
    /// What happened.
    public var type: EventType
    /// Tencent Cloud region the invocation lives in, e.g. `ap-guangzhou`.
    public var region: String
    /// When Tattle noticed the change (not when TAT made it).
    public var detectedAt: Date
    /// Status before the change; `nil` when the invocation or task was first seen in this status.
    /// For stuck events, equal to ``status``.
    public var previousStatus: String?
    /// Status after the change (the raw TAT value, upper case; unknown values are carried through).
    public var status: String
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
        id: String, type: EventType, region: String, detectedAt: Date, previousStatus: String?, status: String,
        invocation: InvocationInfo, task: TaskInfo? = nil, stuck: StuckInfo? = nil, account: String? = nil
    ) {
        self.version = Self.schemaVersion
        self.id = id
        self.type = type
        self.region = region
        self.detectedAt = detectedAt
        self.previousStatus = previousStatus
        self.status = status
        self.invocation = invocation
        self.task = task
        self.stuck = stuck
        self.account = account
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
