import Foundation
import GRDB
import Timekeeping

extension SQLiteStore: StateDatabase {
    /// How long each kind of history is kept (the store-independent ``Store/Retention``).
    public typealias Retention = Store.Retention
    /// What a prune deleted (``Store/PruneResult``).
    public typealias PruneResult = Store.PruneResult

    /// The default retention of delivered rows and their events: 7 days.
    public static let defaultRetention: Duration = Retention().delivered

    public var location: String { fileURL?.path ?? "in memory" }

    public func healthProblem() async -> String? {
        do {
            let result = try await pragma("quick_check")
            return result == "ok" ? nil : "integrity check failed: \(result ?? "no answer")"
        } catch {
            return "integrity check failed: \(error)"
        }
    }

    /// See ``StateDatabase/prune(deliveredBefore:deadBefore:noiseBefore:)``.
    ///
    /// Freed pages are reused by later inserts; the file does not shrink (run `VACUUM` offline to
    /// shrink it, see `docs/state.md`).
    @discardableResult
    public func prune(deliveredBefore: Date, deadBefore: Date?, noiseBefore: Date?) async throws -> PruneResult {
        let delivered = deliveredBefore.unixSeconds
        let dead = deadBefore?.unixSeconds
        let noise = noiseBefore?.unixSeconds
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", arguments: [delivered])
            var result = PruneResult(deliveredRows: db.changesCount, events: 0)
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'silenced' AND created_at < ?", arguments: [delivered])
            result.silencedRows = db.changesCount
            try db.execute(sql: "DELETE FROM silence WHERE ends_at < ?", arguments: [delivered])
            result.silences = db.changesCount
            if let dead {
                try db.execute(sql: "DELETE FROM outbox WHERE state = 'dead' AND updated_at < ?", arguments: [dead])
                result.deadRows = db.changesCount
            }
            if let noise {
                try db.execute(sql: "DELETE FROM throttle WHERE last_at < ?", arguments: [noise])
                result.noiseRows = db.changesCount
                try db.execute(sql: "DELETE FROM failing WHERE since < ?", arguments: [noise])
                result.noiseRows += db.changesCount
            }
            try db.execute(
                sql: """
                    DELETE FROM event WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.event_id = event.id)
                    """,
                arguments: [delivered])
            result.events = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM message WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.message_id = message.id)
                    """,
                arguments: [delivered])
            return result
        }
    }
}
