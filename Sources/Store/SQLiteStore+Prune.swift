import Foundation
import GRDB

extension SQLiteStore {
    /// What ``prune(before:)`` deleted.
    public struct PruneResult: Sendable, Hashable {
        /// Delivered outbox rows removed.
        public var deliveredRows: Int
        /// Events removed (no outbox row referenced them any more).
        public var events: Int

        public init(deliveredRows: Int, events: Int) {
            self.deliveredRows = deliveredRows
            self.events = events
        }
    }

    /// The default retention of delivered rows and their events: 7 days.
    public static let defaultRetention: Duration = .seconds(7 * 24 * 3600)

    /// Deletes delivered rows delivered before `cutoff`, then events created before `cutoff` that
    /// no outbox row references. Pending, in-flight and dead rows, and their events, are kept:
    /// dead letters stay until someone replays them.
    ///
    /// Freed pages are reused by later inserts; the file does not shrink (run `VACUUM` offline to
    /// shrink it, see `docs/state.md`).
    @discardableResult
    public func prune(before cutoff: Date) async throws -> PruneResult {
        let cutoff = cutoff.unixSeconds
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", arguments: [cutoff])
            let rows = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM event WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.event_id = event.id)
                    """,
                arguments: [cutoff])
            return PruneResult(deliveredRows: rows, events: db.changesCount)
        }
    }

    /// Prunes what is older than `retention` (default ``defaultRetention``) at `now`.
    @discardableResult
    public func prune(retention: Duration = defaultRetention, now: Date) async throws -> PruneResult {
        let seconds = Double(retention.components.seconds) + Double(retention.components.attoseconds) / 1e18
        return try await prune(before: now.addingTimeInterval(-seconds))
    }
}
