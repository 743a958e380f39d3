import Events
import Foundation
import GRDB
import Outbox
import Synchronization

extension SQLiteStore: SilenceStore {
    public func addSilence(_ silence: Silence) async throws {
        try silence.validate()
        let matchers = try JSONEncoder().encode(silence.matchers)
        let stamp = configuration.now().unixSeconds
        try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM silence WHERE id = ?", arguments: [silence.id]) != true
            else { throw StoreError.invalidArgument("a silence with id \(silence.id) already exists") }
            try db.execute(
                sql: """
                    INSERT INTO silence (id, matchers, starts_at, ends_at, created_by, comment, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    silence.id, matchers, silence.startsAt.unixSeconds, silence.endsAt.unixSeconds, silence.createdBy,
                    silence.comment, stamp,
                ])
        }
    }

    public func activeSilences(at now: Date) async throws -> [Silence] {
        let now = now.unixSeconds
        return try await read { db in try Self.activeSilences(at: now, db) }
    }

    public func allSilences(limit: Int) async throws -> [Silence] {
        guard limit > 0 else { return [] }
        return try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.silenceColumns) FROM silence ORDER BY starts_at DESC, id LIMIT ?",
                arguments: [limit]
            ).map(Self.silence)
        }
    }

    public func silence(id: String) async throws -> Silence? {
        try await read { db in try Self.silence(id: id, db) }
    }

    @discardableResult
    public func expireSilence(id: String, at now: Date) async throws -> Silence? {
        let now = now.unixSeconds
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE silence SET ends_at = ?, starts_at = min(starts_at, ?) WHERE id = ? AND ends_at > ?
                    """,
                arguments: [now, now, id, now])
            return try Self.silence(id: id, db)
        }
    }

    /// The silence id (by event id) of each dispatched event of `commit` that a silence active at
    /// `now` matches, read in the commit's transaction: a notification is stored either pending or
    /// silenced, never both, and a silence added or expired between two commits takes effect at the
    /// next one, without a restart. A notification already queued is never reached back to.
    static func silencedEvents(
        in commit: CycleCommit, now: Double, cache: SilenceCache, _ db: Database
    ) throws -> [String: String] {
        guard !commit.dispatches.isEmpty else { return [:] }
        guard let silences = try cache.active(at: now, db) else { return [:] }
        var events = Dictionary(commit.events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stored = try db.cachedStatement(sql: "SELECT json FROM event WHERE id = ?")
        var silenced: [String: String] = [:]
        var decided = Set<String>()
        for id in commit.dispatches.map(\.eventId) where decided.insert(id).inserted {
            // An event stored by an earlier commit (rare: a dispatch decided later than detection).
            if events[id] == nil, let json = try Data.fetchOne(stored, arguments: [id]) {
                events[id] = try? Event.decoder.decode(Event.self, from: json)
            }
            if let event = events[id], let silence = silences.silence(for: event) { silenced[id] = silence.id }
        }
        return silenced
    }

    static let silenceColumns = "id, matchers, starts_at, ends_at, created_by, comment"

    static func activeSilences(at now: Double, _ db: Database) throws -> [Silence] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(silenceColumns) FROM silence WHERE ends_at > ? AND starts_at <= ?
                    ORDER BY ends_at, id
                    """),
            arguments: [now, now]
        ).map(silence)
    }

    static func silence(id: String, _ db: Database) throws -> Silence? {
        try Row.fetchOne(db, sql: "SELECT \(silenceColumns) FROM silence WHERE id = ?", arguments: [id]).map(silence)
    }

    /// Decodes a row of ``silenceColumns``.
    static func silence(_ row: Row) throws -> Silence {
        let id: String = row[0]
        let matchers: [SilenceMatcher]
        do {
            matchers = try JSONDecoder().decode([SilenceMatcher].self, from: row[1] as Data)
        } catch {
            throw StoreError.corruptRow("silence \(id) has unreadable matchers: \(error)")
        }
        return Silence(
            id: id, matchers: matchers, startsAt: Date(timeIntervalSince1970: row[2]),
            endsAt: Date(timeIntervalSince1970: row[3]), createdBy: row[4], comment: row[5])
    }
}

/// The silences that have not ended, compiled, shared by the commits of one store, so that a
/// commit normally costs one aggregate query instead of reading and compiling every silence.
///
/// The cached set is reused while the table's fingerprint (row count, highest rowid, sums of the
/// start and end times) is unchanged — an add, an expiry or a prune changes it, from any process —
/// and until the next moment a silence starts or ends. Its lock is held only to swap the entry.
final class SilenceCache: Sendable {
    private struct Entry: Sendable {
        var fingerprint: [Double]
        var active: SilenceSet?
        /// The active set holds for `validFrom <= now < validUntil`.
        var validFrom: Double
        var validUntil: Double
    }

    private let entry = Mutex<Entry?>(nil)

    /// The silences active at `now`, compiled, or `nil` when none is; read in the caller's transaction.
    func active(at now: Double, _ db: Database) throws -> SilenceSet? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT count(*), coalesce(max(rowid), 0), total(starts_at), total(ends_at) FROM silence"))
        let fingerprint: [Double] = row.map { [$0[0], $0[1], $0[2], $0[3]] } ?? []
        if let cached = entry.withLock({ $0 }), cached.fingerprint == fingerprint, cached.validFrom <= now,
            now < cached.validUntil
        {
            return cached.active
        }
        let current = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT \(SQLiteStore.silenceColumns) FROM silence WHERE ends_at > ? ORDER BY ends_at, id"),
            arguments: [now]
        ).map(SQLiteStore.silence)
        let at = Date(timeIntervalSince1970: now)
        let active = current.filter { $0.isActive(at: at) }
        // The next start of a pending silence or end of an active one changes the set.
        let changes = current.map { $0.isActive(at: at) ? $0.endsAt.unixSeconds : $0.startsAt.unixSeconds }
        let next = Entry(
            fingerprint: fingerprint, active: active.isEmpty ? nil : SilenceSet(active), validFrom: now,
            validUntil: changes.min() ?? .infinity)
        entry.withLock { $0 = next }
        return next.active
    }
}
