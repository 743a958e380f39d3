import Events
import Foundation
import GRDB

/// The snapshot's tombstones (table `tombstone`, migration `v2-tombstones`): the last states of
/// invocations no longer tracked, so a reappearing one is diffed against what Tattle last knew.
extension SQLiteStore {
    public func loadTombstones(region: String) async throws -> [Tombstone] {
        try await read { db in
            var tombstones: [Tombstone] = []
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT id, status, status_since, timeout, created_time, stuck_fired, tasks, removed_at
                        FROM tombstone WHERE region = ?
                        """),
                arguments: [region])
            while let row = try rows.next() {
                tombstones.append(
                    Tombstone(state: try Self.state(from: row), removedAt: Date(timeIntervalSince1970: row[7])))
            }
            return tombstones
        }
    }

    /// Writes the commit's tombstones and forgets the ones it names, in the commit's transaction.
    static func applyTombstones(_ commit: CycleCommit, _ db: Database) throws {
        if !commit.forgottenTombstones.isEmpty {
            let delete = try db.cachedStatement(sql: "DELETE FROM tombstone WHERE region = ? AND id = ?")
            for id in commit.forgottenTombstones {
                delete.setUncheckedArguments([commit.region, id])
                try delete.execute()
            }
        }
        guard !commit.tombstones.isEmpty else { return }
        let upsert = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO tombstone
                    (region, id, status, status_since, timeout, created_time, stuck_fired, tasks, removed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for tombstone in commit.tombstones {
            upsert.setUncheckedArguments(
                Self.arguments(region: commit.region, tombstone.state) + [tombstone.removedAt.unixSeconds])
            try upsert.execute()
        }
    }

    /// The state in a row of `id, status, status_since, timeout, created_time, stuck_fired, tasks, …`.
    static func state(from row: Row) throws -> InvocationState {
        let id: String = row[0]
        let tasks = try row.withUnsafeData(atIndex: 6) { data -> [TaskState] in
            guard let data else { throw StoreError.corruptRow("invocation \(id) has no tasks blob") }
            return try data.withUnsafeBytes { try TaskCoding.decode($0) }
        }
        return InvocationState(
            id: id, status: InvocationStatus(rawValue: row[1]), statusSince: Date(timeIntervalSince1970: row[2]),
            timeout: row[3], createdTime: (row[4] as Double?).map(Date.init(timeIntervalSince1970:)), tasks: tasks,
            stuckFired: row[5])
    }

    /// `region, id, status, status_since, timeout, created_time, stuck_fired, tasks` of `state`.
    static func arguments(region: String, _ state: InvocationState) -> StatementArguments {
        [
            region, state.id, state.status.rawValue, state.statusSince.unixSeconds, state.timeout,
            state.createdTime?.unixSeconds, state.stuckFired, Data(TaskCoding.encode(state.tasks)),
        ]
    }
}
