import Events
import Foundation
import GRDB
import Outbox

extension SQLiteStore: StateStore {
    public func loadSnapshot(region: String) async throws -> [InvocationState]? {
        try await read { db in
            let baselined = try Bool.fetchOne(db, sql: "SELECT 1 FROM region WHERE name = ?", arguments: [region])
            guard baselined == true else { return nil }
            var states: [InvocationState] = []
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT id, status, status_since, timeout, created_time, stuck_fired, tasks
                        FROM invocation WHERE region = ?
                        """),
                arguments: [region])
            while let row = try rows.next() { states.append(try Self.state(from: row)) }
            return states
        }
    }

    public func commit(_ commit: CycleCommit) async throws {
        if commit.fence != nil {
            // One process holds the state directory's lock; leases live in the shared PostgreSQL store.
            throw StoreError.invalidArgument("the SQLite store is single-writer and takes no fencing lease")
        }
        let now = configuration.now().unixSeconds
        let encoder = Event.encoder
        let events = try commit.events.map { event in (event.id, try encoder.encode(event)) }
        let cache = silenceCache
        try await write { db in
            try Self.applySnapshot(commit, now: now, db)
            try Self.insertEvents(events, now: now, db)
            let silenced = try Self.silencedEvents(in: commit, now: now, cache: cache, db)
            try Self.insertDispatches(
                commit.dispatches, eventIds: Set(commit.events.map(\.id)), silenced: silenced, now: now, db)
            try Self.applyNoise(commit.noise, now: now, db)
            try Self.applyTombstones(commit, db)
        }
    }

    public func loadNoiseMemory() async throws -> InMemoryNoiseMemory {
        try await read { db in
            var memory = InMemoryNoiseMemory()
            var updates: [NoiseUpdate] = []
            let throttles = try Row.fetchCursor(db, sql: "SELECT rule, group_key, last_at FROM throttle")
            while let row = try throttles.next() {
                updates.append(.notified(rule: row[0], groupKey: row[1], at: Date(timeIntervalSince1970: row[2])))
            }
            for key in try String.fetchAll(db, sql: "SELECT key FROM failing") {
                updates.append(.failing(key: key, true))
            }
            memory.apply(updates)
            return memory
        }
    }

    private static func applySnapshot(_ commit: CycleCommit, now: Double, _ db: Database) throws {
        if !commit.upserts.isEmpty {
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO invocation (region, id, status, status_since, timeout, created_time, stuck_fired, tasks)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (region, id) DO UPDATE SET
                        status = excluded.status, status_since = excluded.status_since, timeout = excluded.timeout,
                        created_time = excluded.created_time, stuck_fired = excluded.stuck_fired,
                        tasks = excluded.tasks
                    """)
            for state in commit.upserts {
                upsert.setUncheckedArguments(Self.arguments(region: commit.region, state))
                try upsert.execute()
            }
        }
        if !commit.removals.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM invocation WHERE region = ? AND id = ?")
            for id in commit.removals {
                delete.setUncheckedArguments([commit.region, id])
                try delete.execute()
            }
        }
        if commit.markBaselined {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO region (name, baselined_at) VALUES (?, ?)")
                .execute(arguments: [commit.region, now])
        }
    }

    private static func insertEvents(_ events: [(String, Data)], now: Double, _ db: Database) throws {
        guard !events.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO event (id, json, created_at) VALUES (?, ?, ?)")
        for (id, json) in events {
            insert.setUncheckedArguments([id, json, now])
            try insert.execute()
        }
    }

    /// Inserts the dispatches not yet queued; one whose event id is in `silenced` is stored as
    /// silenced (by the silence id it maps to) instead of pending.
    private static func insertDispatches(
        _ dispatches: [Dispatch], eventIds: Set<String>, silenced: [String: String], now: Double, _ db: Database
    ) throws {
        guard !dispatches.isEmpty else { return }
        let known = try db.cachedStatement(sql: "SELECT 1 FROM event WHERE id = ?")
        var checked = eventIds
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO outbox
                    (event_id, receiver, rule, group_key, not_before, is_recovery, state, attempts,
                     next_attempt_at, created_at, updated_at, silence_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                """)
        for dispatch in dispatches {
            if !checked.contains(dispatch.eventId) {
                guard try Bool.fetchOne(known, arguments: [dispatch.eventId]) == true else {
                    throw StoreError.missingEvent(dispatch.eventId)
                }
                checked.insert(dispatch.eventId)
            }
            let silence = silenced[dispatch.eventId]
            insert.setUncheckedArguments([
                dispatch.eventId, dispatch.receiver, dispatch.rule, dispatch.groupKey, dispatch.notBefore.unixSeconds,
                dispatch.isRecovery, silence == nil ? "pending" : "silenced", dispatch.notBefore.unixSeconds, now, now,
                silence,
            ])
            try insert.execute()
        }
    }

    private static func applyNoise(_ updates: [NoiseUpdate], now: Double, _ db: Database) throws {
        for update in updates {
            switch update {
            case .notified(let rule, let groupKey, let at):
                try db.cachedStatement(
                    sql: """
                        INSERT INTO throttle (rule, group_key, last_at) VALUES (?, ?, ?)
                        ON CONFLICT (rule, group_key) DO UPDATE SET last_at = excluded.last_at
                        """
                ).execute(arguments: [rule, groupKey, at.unixSeconds])
            case .failing(let key, true):
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO failing (key, since) VALUES (?, ?)")
                    .execute(arguments: [key, now])
            case .failing(let key, false):
                try db.cachedStatement(sql: "DELETE FROM failing WHERE key = ?").execute(arguments: [key])
            }
        }
    }
}
