/// A failure of the state database that the caller can act on.
///
/// SQLite's own errors (`DatabaseError` from GRDB: busy, I/O, disk full) pass through unchanged;
/// this type covers what the store itself detects.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case missingEvent
        case corruptRow
        case newerSchema
        case invalidArgument
        case fenced
        case unavailable
    }

    private let code: Code
    /// A human message naming what failed; never holds secrets (the store holds none).
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A dispatch referenced an event id that is neither in the commit nor already stored.
    public static func missingEvent(_ eventId: String) -> Self {
        Self(.missingEvent, "dispatch references event \(eventId), which is not in the commit nor stored")
    }

    /// A stored value could not be decoded (a damaged file or a bug).
    public static func corruptRow(_ what: String) -> Self { Self(.corruptRow, "corrupt state row: \(what)") }

    /// The database was migrated by a newer Tattle than this one.
    public static let newerSchema = Self(
        .newerSchema, "the state database was written by a newer Tattle; upgrade, or restore a backup")

    /// A caller passed a value the store cannot accept.
    public static func invalidArgument(_ what: String) -> Self { Self(.invalidArgument, what) }

    /// A commit's fencing lease is no longer held by its holder at its term (another replica took the
    /// unit over): nothing of the commit was applied.
    public static func fenced(_ lease: Lease) -> Self {
        Self(.fenced, "\(lease.kind.rawValue) \(lease.name) is no longer held by \(lease.holder) at term \(lease.term)")
    }

    /// The database cannot be reached (PostgreSQL down, network cut, connection refused) or did not
    /// answer in time: nothing was applied. Retrying later heals it; `reason` names what failed, no secrets.
    public static func unavailable(_ reason: String) -> Self {
        Self(.unavailable, "the state database is unavailable: \(reason)")
    }

    /// Whether this is ``unavailable(_:)``.
    public var isUnavailable: Bool { code == .unavailable }
    /// Whether this is ``fenced(_:)``.
    public var isFenced: Bool { code == .fenced }
    /// Whether this is ``missingEvent(_:)``.
    public var isMissingEvent: Bool { code == .missingEvent }
    /// Whether this is ``corruptRow(_:)``.
    public var isCorruptRow: Bool { code == .corruptRow }
    /// Whether this is ``newerSchema``.
    public var isNewerSchema: Bool { code == .newerSchema }

    /// Only ``unavailable(_:)`` heals by retrying; the others are bugs, damage, a version mismatch or
    /// a lost lease.
    public var isRetryable: Bool { code == .unavailable }

    public var description: String { message }
}
