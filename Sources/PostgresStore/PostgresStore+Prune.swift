import Foundation
import PostgresNIO
import Store

extension PostgresStore {
    /// See ``Store/StateDatabase/prune(deliveredBefore:deadBefore:noiseBefore:)``. Deleted rows' space is
    /// reused after autovacuum; nothing here needs a manual `VACUUM`.
    @discardableResult
    public func prune(deliveredBefore: Date, deadBefore: Date?, noiseBefore: Date?) async throws -> PruneResult {
        let delivered = deliveredBefore.unixSeconds
        let dead = deadBefore?.unixSeconds
        let noise = noiseBefore?.unixSeconds
        return try await transaction { connection in
            func count(_ query: PostgresQuery) async throws -> Int { try await self.changedRows(query, connection) }
            var result = PruneResult(
                deliveredRows: try await count(
                    "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < \(delivered)"),
                events: 0)
            result.silencedRows = try await count(
                "DELETE FROM outbox WHERE state = 'silenced' AND created_at < \(delivered)")
            result.silences = try await count("DELETE FROM silence WHERE ends_at < \(delivered)")
            if let dead {
                result.deadRows = try await count("DELETE FROM outbox WHERE state = 'dead' AND updated_at < \(dead)")
            }
            if let noise {
                result.noiseRows =
                    try await count("DELETE FROM throttle WHERE last_at < \(noise)")
                    + count("DELETE FROM failing WHERE since < \(noise)")
            }
            result.events = try await count(
                """
                DELETE FROM event WHERE created_at < \(delivered)
                    AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.event_id = event.id)
                """)
            _ = try await count(
                """
                DELETE FROM message WHERE created_at < \(delivered)
                    AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.message_id = message.id)
                """)
            return result
        }
    }
}
