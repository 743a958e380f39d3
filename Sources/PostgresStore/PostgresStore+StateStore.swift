import Events
import Foundation
import NIOCore
import Outbox
import PostgresNIO
import Store

extension PostgresStore: StateStore {
    public func loadSnapshot(region: String) async throws -> [InvocationState]? {
        try await read { connection in
            let baselined = try await connection.query(
                "SELECT 1 FROM region WHERE name = \(region)", logger: self.logger
            ).collect()
            guard !baselined.isEmpty else { return nil }
            return try await Self.states(
                connection.query(
                    """
                    SELECT id, status, status_since, timeout, created_time, stuck_fired, tasks
                    FROM invocation WHERE region = \(region)
                    """, logger: self.logger)
            ).map(\.state)
        }
    }

    public func loadTombstones(region: String) async throws -> [Tombstone] {
        try await read { connection in
            try await Self.states(
                connection.query(
                    """
                    SELECT id, status, status_since, timeout, created_time, stuck_fired, tasks, removed_at
                    FROM tombstone WHERE region = \(region)
                    """, logger: self.logger)
            ).map { Tombstone(state: $0.state, removedAt: Date(timeIntervalSince1970: $0.removedAt ?? 0)) }
        }
    }

    public func loadNoiseMemory() async throws -> InMemoryNoiseMemory {
        try await read { connection in
            var updates: [NoiseUpdate] = []
            for try await (rule, group, at) in try await connection.query(
                "SELECT rule, group_key, last_at FROM throttle", logger: self.logger
            ).decode((String, String, Double).self) {
                updates.append(.notified(rule: rule, groupKey: group, at: Date(timeIntervalSince1970: at)))
            }
            for try await key in try await connection.query("SELECT key FROM failing", logger: self.logger)
                .decode(String.self)
            {
                updates.append(.failing(key: key, true))
            }
            var memory = InMemoryNoiseMemory()
            memory.apply(updates)
            return memory
        }
    }

    /// Commits the cycle in one transaction. With a fence, the lease row is locked `FOR SHARE` first
    /// and must still name the fence's holder and term: a replica that took the unit over has to
    /// update that row, so it waits for this commit, and a commit that comes after the takeover is
    /// refused with ``StoreError/fenced(_:)`` before it writes anything.
    public func commit(_ commit: CycleCommit) async throws {
        let now = configuration.now().unixSeconds
        let encoder = Event.encoder
        let events = try commit.events.map { event in (event.id, try encoder.encode(event)) }
        try await transaction { connection in
            if let fence = commit.fence { try await self.checkFence(fence, connection) }
            try await self.applySnapshot(commit, now: now, connection)
            try await self.insertEvents(events, now: now, connection)
            let silenced = try await self.silencedEvents(in: commit, now: now, connection)
            try await self.insertDispatches(commit, silenced: silenced, now: now, connection)
            try await self.applyNoise(commit.noise, now: now, connection)
            try await self.applyTombstones(commit, connection)
        }
    }

    private func checkFence(_ fence: Lease, _ connection: PostgresConnection) async throws {
        let rows = try await connection.query(
            """
            SELECT holder, term FROM lease WHERE kind = \(fence.kind.rawValue) AND name = \(fence.name) FOR SHARE
            """, logger: logger
        ).decode((String, Int64).self)
        for try await (holder, term) in rows where holder == fence.holder && term == fence.term { return }
        throw StoreError.fenced(fence)
    }

    private func applySnapshot(_ commit: CycleCommit, now: Double, _ connection: PostgresConnection) async throws {
        if !commit.upserts.isEmpty {
            let columns = StateColumns(Self.lastById(commit.upserts, id: \.id))
            try await connection.query(
                """
                INSERT INTO invocation (region, id, status, status_since, timeout, created_time, stuck_fired, tasks)
                SELECT \(commit.region), s.id, s.status, s.since, \(unescaped: StateColumns.nullableTimeout),
                    \(unescaped: StateColumns.nullableCreated), s.stuck, s.tasks
                FROM unnest(\(columns.ids)::text[], \(columns.statuses)::text[], \(columns.since)::float8[],
                    \(columns.timeouts)::int8[], \(columns.created)::float8[], \(columns.stuck)::bool[],
                    \(columns.tasks)::bytea[]) AS s(id, status, since, timeout, created, stuck, tasks)
                ON CONFLICT (region, id) DO UPDATE SET
                    status = excluded.status, status_since = excluded.status_since, timeout = excluded.timeout,
                    created_time = excluded.created_time, stuck_fired = excluded.stuck_fired, tasks = excluded.tasks
                """, logger: logger)
        }
        if !commit.removals.isEmpty {
            try await connection.query(
                "DELETE FROM invocation WHERE region = \(commit.region) AND id = ANY(\(commit.removals))",
                logger: logger)
        }
        if commit.markBaselined {
            try await connection.query(
                """
                INSERT INTO region (name, baselined_at) VALUES (\(commit.region), \(now)) ON CONFLICT (name) DO NOTHING
                """, logger: logger)
        }
    }

    private func insertEvents(_ events: [(String, Data)], now: Double, _ connection: PostgresConnection) async throws {
        guard !events.isEmpty else { return }
        let ids = events.map(\.0)
        let json = events.map { ByteBuffer(bytes: $0.1) }
        try await connection.query(
            """
            INSERT INTO event (id, json, created_at)
            SELECT e.id, e.json, \(now) FROM unnest(\(ids)::text[], \(json)::bytea[]) WITH ORDINALITY AS e(id, json, n)
            ORDER BY e.n
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    /// Inserts the dispatches not yet queued, in order; one whose event id is in `silenced` is stored
    /// as silenced (by the silence id it maps to) instead of pending.
    private func insertDispatches(
        _ commit: CycleCommit, silenced: [String: String], now: Double, _ connection: PostgresConnection
    ) async throws {
        let dispatches = commit.dispatches
        guard !dispatches.isEmpty else { return }
        let inCommit = Set(commit.events.map(\.id))
        let others = Array(Set(dispatches.map(\.eventId)).subtracting(inCommit)).sorted()
        if !others.isEmpty {
            var known = Set<String>()
            for try await id in try await connection.query(
                "SELECT id FROM event WHERE id = ANY(\(others))", logger: logger
            ).decode(String.self) {
                known.insert(id)
            }
            if let missing = others.first(where: { !known.contains($0) }) { throw StoreError.missingEvent(missing) }
        }
        let silence = dispatches.map { silenced[$0.eventId] ?? "" }
        try await connection.query(
            """
            INSERT INTO outbox (event_id, receiver, rule, group_key, not_before, is_recovery, state, attempts,
                next_attempt_at, created_at, updated_at, silence_id)
            SELECT d.event_id, d.receiver, d.rule, d.group_key, d.not_before, d.recovery,
                CASE WHEN d.silence = '' THEN 'pending' ELSE 'silenced' END, 0, d.not_before, \(now), \(now),
                NULLIF(d.silence, '')
            FROM unnest(\(dispatches.map(\.eventId))::text[], \(dispatches.map(\.receiver))::text[],
                \(dispatches.map(\.rule))::text[], \(dispatches.map(\.groupKey))::text[],
                \(dispatches.map(\.notBefore.unixSeconds))::float8[], \(dispatches.map(\.isRecovery))::bool[],
                \(silence)::text[]) WITH ORDINALITY
                AS d(event_id, receiver, rule, group_key, not_before, recovery, silence, n)
            ORDER BY d.n
            ON CONFLICT (event_id, receiver) DO NOTHING
            """, logger: logger)
    }

    private func applyNoise(_ updates: [NoiseUpdate], now: Double, _ connection: PostgresConnection) async throws {
        for update in updates {
            switch update {
            case .notified(let rule, let groupKey, let at):
                try await connection.query(
                    """
                    INSERT INTO throttle (rule, group_key, last_at) VALUES (\(rule), \(groupKey), \(at.unixSeconds))
                    ON CONFLICT (rule, group_key) DO UPDATE SET last_at = excluded.last_at
                    """, logger: logger)
            case .failing(let key, true):
                try await connection.query(
                    "INSERT INTO failing (key, since) VALUES (\(key), \(now)) ON CONFLICT (key) DO NOTHING",
                    logger: logger)
            case .failing(let key, false):
                try await connection.query("DELETE FROM failing WHERE key = \(key)", logger: logger)
            }
        }
    }

    /// Writes the commit's tombstones and forgets the ones it names, in the commit's transaction.
    private func applyTombstones(_ commit: CycleCommit, _ connection: PostgresConnection) async throws {
        if !commit.forgottenTombstones.isEmpty {
            try await connection.query(
                "DELETE FROM tombstone WHERE region = \(commit.region) AND id = ANY(\(commit.forgottenTombstones))",
                logger: logger)
        }
        guard !commit.tombstones.isEmpty else { return }
        let tombstones = Self.lastById(commit.tombstones, id: \.id)
        let columns = StateColumns(tombstones.map(\.state))
        let removed = tombstones.map(\.removedAt.unixSeconds)
        try await connection.query(
            """
            INSERT INTO tombstone
                (region, id, status, status_since, timeout, created_time, stuck_fired, tasks, removed_at)
            SELECT \(commit.region), s.id, s.status, s.since, \(unescaped: StateColumns.nullableTimeout),
                \(unescaped: StateColumns.nullableCreated), s.stuck, s.tasks, s.removed
            FROM unnest(\(columns.ids)::text[], \(columns.statuses)::text[], \(columns.since)::float8[],
                \(columns.timeouts)::int8[], \(columns.created)::float8[], \(columns.stuck)::bool[],
                \(columns.tasks)::bytea[], \(removed)::float8[])
                AS s(id, status, since, timeout, created, stuck, tasks, removed)
            ON CONFLICT (region, id) DO UPDATE SET
                status = excluded.status, status_since = excluded.status_since, timeout = excluded.timeout,
                created_time = excluded.created_time, stuck_fired = excluded.stuck_fired, tasks = excluded.tasks,
                removed_at = excluded.removed_at
            """, logger: logger)
    }

    /// The last element per id, in first-seen order: one `INSERT … ON CONFLICT DO UPDATE` may not
    /// touch a row twice.
    static func lastById<T>(_ items: [T], id: KeyPath<T, String>) -> [T] {
        var index: [String: Int] = [:]
        var result: [T] = []
        for item in items {
            if let at = index[item[keyPath: id]] {
                result[at] = item
            } else {
                index[item[keyPath: id]] = result.count
                result.append(item)
            }
        }
        return result
    }

    /// Reads rows of `id, status, status_since, timeout, created_time, stuck_fired, tasks[, removed_at]`.
    static func states(_ rows: PostgresRowSequence) async throws -> [(state: InvocationState, removedAt: Double?)] {
        var states: [(InvocationState, Double?)] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let id = try cells[0].decode(String.self)
            let blob = try cells[6].decode(ByteBuffer.self)
            let tasks = try blob.withUnsafeReadableBytes { try TaskCoding.decode($0) }
            let state = InvocationState(
                id: id, status: InvocationStatus(rawValue: try cells[1].decode(String.self)),
                statusSince: Date(timeIntervalSince1970: try cells[2].decode(Double.self)),
                timeout: try cells[3].decode(Int64?.self).map(Int.init),
                createdTime: try cells[4].decode(Double?.self).map(Date.init(timeIntervalSince1970:)), tasks: tasks,
                stuckFired: try cells[5].decode(Bool.self))
            states.append((state, cells.count > 7 ? try cells[7].decode(Double.self) : nil))
        }
        return states
    }
}

/// Invocation states as parallel arrays for one `unnest(…)` insert. postgres-nio cannot bind an array
/// with NULL elements, so an absent timeout travels as `Int64.min` and an absent creation time as NaN,
/// turned back into NULL by ``nullableTimeout`` and ``nullableCreated``.
struct StateColumns {
    static let nullableTimeout = "NULLIF(s.timeout, -9223372036854775808)"
    static let nullableCreated = "CASE WHEN s.created = 'NaN'::float8 THEN NULL ELSE s.created END"

    var ids: [String] = []
    var statuses: [String] = []
    var since: [Double] = []
    var timeouts: [Int64] = []
    var created: [Double] = []
    var stuck: [Bool] = []
    var tasks: [ByteBuffer] = []

    init(_ states: [InvocationState]) {
        for state in states {
            ids.append(state.id)
            statuses.append(state.status.rawValue)
            since.append(state.statusSince.unixSeconds)
            timeouts.append(state.timeout.map(Int64.init) ?? .min)
            created.append(state.createdTime?.unixSeconds ?? .nan)
            stuck.append(state.stuckFired)
            tasks.append(ByteBuffer(bytes: TaskCoding.encode(state.tasks)))
        }
    }
}
