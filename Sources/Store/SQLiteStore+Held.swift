import Foundation
import GRDB

extension SQLiteStore {
    public func fixMessage(
        ids: [Int64], receiver: String, key: String, isDigest: Bool, now: Date
    ) async throws -> MessageRef {
        let claimer = configuration.claimer
        return try await write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO message (receiver, idempotency_key, is_digest, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (idempotency_key) DO NOTHING
                    """
            ).execute(arguments: [receiver, key, isDigest, now.unixSeconds])
            guard
                let id = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT id FROM message WHERE idempotency_key = ?"), arguments: [key])
            else { throw StoreError.invalidArgument("message \(key) was not stored") }
            try db.cachedStatement(
                sql: """
                    UPDATE outbox SET message_id = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                        AND (state <> 'in_flight' OR claimed_by IS NULL OR claimed_by = ?)
                    """
            ).execute(arguments: [id, Self.jsonArray(ids), claimer])
            return MessageRef(id: id, key: key, isDigest: isDigest)
        }
    }

    public func releaseHeld(receivers: Set<String>, now: Date) async throws -> Int {
        guard !receivers.isEmpty else { return 0 }
        let stamp = now.unixSeconds
        return try await write { db in
            let release = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET state = 'pending', next_attempt_at = max(next_attempt_at, ?), updated_at = ?
                    WHERE state = 'held' AND receiver = ?
                    """)
            var count = 0
            for receiver in receivers.sorted() {
                try release.execute(arguments: [stamp, stamp, receiver])
                count += db.changesCount
            }
            return count
        }
    }

    public func heldCounts() async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT receiver, count(*) FROM outbox WHERE state = 'held' GROUP BY receiver")
            while let row = try rows.next() { counts[row[0]] = row[1] }
            return counts
        }
    }

    public func expireHeld(receiver: String, before cutoff: Date, error: String) async throws -> Int {
        let stamp = configuration.now().unixSeconds
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'dead', last_error = ?, updated_at = ?
                    WHERE state = 'held' AND receiver = ? AND coalesce(age_from, created_at) < ?
                    """,
                arguments: [error, stamp, receiver, cutoff.unixSeconds])
            return db.changesCount
        }
    }
}
