import Events
import Foundation
import Outbox
import PostgresNIO
import Store

extension PostgresStore: SilenceStore {
    public func addSilence(_ silence: Silence) async throws {
        try silence.validate()
        let matchers = try JSONEncoder().encode(silence.matchers)
        let stamp = configuration.now().unixSeconds
        try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO silence (id, matchers, starts_at, ends_at, created_by, comment, created_at)
                VALUES (\(silence.id), \(matchers), \(silence.startsAt.unixSeconds), \(silence.endsAt.unixSeconds),
                    \(silence.createdBy), \(silence.comment), \(stamp))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: self.logger
            ).collect()
            guard !inserted.isEmpty else {
                throw StoreError.invalidArgument("a silence with id \(silence.id) already exists")
            }
        }
    }

    public func activeSilences(at now: Date) async throws -> [Silence] {
        try await read { connection in try await self.activeSilences(at: now.unixSeconds, connection) }
    }

    public func allSilences(limit: Int) async throws -> [Silence] {
        guard limit > 0 else { return [] }
        return try await read { connection in
            try await Self.silences(
                connection.query(
                    "SELECT \(unescaped: Self.silenceColumns) FROM silence ORDER BY starts_at DESC, id LIMIT \(limit)",
                    logger: self.logger))
        }
    }

    public func silence(id: String) async throws -> Silence? {
        try await read { connection in try await self.silence(id: id, connection) }
    }

    @discardableResult
    public func expireSilence(id: String, at now: Date) async throws -> Silence? {
        let now = now.unixSeconds
        return try await transaction { connection in
            try await connection.query(
                """
                UPDATE silence SET ends_at = \(now), starts_at = least(starts_at, \(now))
                WHERE id = \(id) AND ends_at > \(now)
                """, logger: self.logger)
            return try await self.silence(id: id, connection)
        }
    }

    /// The silence id (by event id) of each dispatched event of `commit` that a silence active at
    /// `now` matches, read in the commit's transaction (as the SQLite store does: a notification is
    /// stored pending or silenced, never both, and a silence takes effect at the next commit).
    func silencedEvents(
        in commit: CycleCommit, now: Double, _ connection: PostgresConnection
    ) async throws -> [String: String] {
        guard !commit.dispatches.isEmpty else { return [:] }
        let active = try await activeSilences(at: now, connection)
        guard !active.isEmpty else { return [:] }
        let silences = SilenceSet(active)
        var events = Dictionary(commit.events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stored = Array(Set(commit.dispatches.map(\.eventId)).subtracting(events.keys)).sorted()
        if !stored.isEmpty {
            // Events stored by an earlier commit (rare: a dispatch decided later than detection).
            for try await (id, json) in try await connection.query(
                "SELECT id, json FROM event WHERE id = ANY(\(stored))", logger: logger
            ).decode((String, Data).self) {
                events[id] = try? Event.decoder.decode(Event.self, from: json)
            }
        }
        var silenced: [String: String] = [:]
        for id in Set(commit.dispatches.map(\.eventId)) {
            if let event = events[id], let silence = silences.silence(for: event) { silenced[id] = silence.id }
        }
        return silenced
    }

    static let silenceColumns = "id, matchers, starts_at, ends_at, created_by, comment"

    func activeSilences(at now: Double, _ connection: PostgresConnection) async throws -> [Silence] {
        try await Self.silences(
            connection.query(
                """
                SELECT \(unescaped: Self.silenceColumns) FROM silence WHERE ends_at > \(now) AND starts_at <= \(now)
                ORDER BY ends_at, id
                """, logger: logger))
    }

    func silence(id: String, _ connection: PostgresConnection) async throws -> Silence? {
        try await Self.silences(
            connection.query("SELECT \(unescaped: Self.silenceColumns) FROM silence WHERE id = \(id)", logger: logger)
        ).first
    }

    /// Decodes rows of ``silenceColumns``.
    static func silences(_ rows: PostgresRowSequence) async throws -> [Silence] {
        var silences: [Silence] = []
        for try await (id, json, startsAt, endsAt, createdBy, comment) in rows.decode(
            (String, Data, Double, Double, String, String).self)
        {
            let matchers: [SilenceMatcher]
            do {
                matchers = try JSONDecoder().decode([SilenceMatcher].self, from: json)
            } catch {
                throw StoreError.corruptRow("silence \(id) has unreadable matchers: \(error)")
            }
            silences.append(
                Silence(
                    id: id, matchers: matchers, startsAt: Date(timeIntervalSince1970: startsAt),
                    endsAt: Date(timeIntervalSince1970: endsAt), createdBy: createdBy, comment: comment))
        }
        return silences
    }
}
