import Events
import Foundation
import GRDB
import Rules
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
        // Only the ids are read each commit; a silence's matchers never change, so the compiled
        // set is rebuilt only when the active set does (a silence added, expired or run out).
        let ids = try String.fetchAll(
            db.cachedStatement(
                sql: "SELECT id FROM silence WHERE ends_at > ? AND starts_at <= ? ORDER BY ends_at, id"),
            arguments: [now, now])
        guard !ids.isEmpty else { return [:] }
        let silences = try cache.set(for: ids) { try activeSilences(at: now, db) }
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

/// The compiled ``SilenceSet`` of the last active set of silence ids, shared by the commits of one
/// store. Its lock is held only to swap the entry, never around database work.
final class SilenceCache: Sendable {
    private let entry = Mutex<(ids: [String], set: SilenceSet)?>(nil)

    /// The set for `ids`, from the cache or, when the active set changed, from `load` (which reads
    /// the active silences in the caller's transaction).
    func set(for ids: [String], load: () throws -> [Silence]) rethrows -> SilenceSet {
        if let cached = entry.withLock({ $0 }), cached.ids == ids { return cached.set }
        let silences = try load()
        let set = SilenceSet(silences)
        entry.withLock { $0 = (silences.map(\.id), set) }
        return set
    }
}
