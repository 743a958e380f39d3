import Foundation
import PostgresNIO
import Store

extension PostgresStore {
    public func fixMessage(
        ids: [Int64], receiver: String, key: String, isDigest: Bool, now: Date
    ) async throws -> MessageRef {
        let claimer = configuration.claimer
        return try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO message (receiver, idempotency_key, is_digest, created_at)
                VALUES (\(receiver), \(key), \(isDigest), \(now.unixSeconds))
                ON CONFLICT (idempotency_key) DO NOTHING
                """, logger: self.logger)
            var messageID: Int64?
            for try await id in try await connection.query(
                "SELECT id FROM message WHERE idempotency_key = \(key)", logger: self.logger
            ).decode(Int64.self) {
                messageID = id
            }
            guard let messageID else { throw StoreError.invalidArgument("message \(key) was not stored") }
            try await connection.query(
                """
                UPDATE outbox SET message_id = \(messageID)
                WHERE id = ANY(\(ids)) AND (state <> 'in_flight' OR claimed_by IS NULL OR claimed_by = \(claimer))
                """, logger: self.logger)
            return MessageRef(id: messageID, key: key, isDigest: isDigest)
        }
    }

    public func releaseHeld(receivers: Set<String>, now: Date) async throws -> Int {
        guard !receivers.isEmpty else { return 0 }
        let stamp = now.unixSeconds
        return try await count(
            """
            UPDATE outbox SET state = 'pending', next_attempt_at = greatest(next_attempt_at, \(stamp)),
                updated_at = \(stamp)
            WHERE state = 'held' AND receiver = ANY(\(receivers.sorted()))
            """)
    }

    public func heldCounts() async throws -> [String: Int] {
        try await read { connection in
            var counts: [String: Int] = [:]
            for try await (receiver, count) in try await connection.query(
                "SELECT receiver, count(*) FROM outbox WHERE state = 'held' GROUP BY receiver", logger: self.logger
            ).decode((String, Int).self) {
                counts[receiver] = count
            }
            return counts
        }
    }

    public func expireHeld(receiver: String, before cutoff: Date, error: String) async throws -> Int {
        let stamp = configuration.now().unixSeconds
        return try await count(
            """
            UPDATE outbox SET state = 'dead', last_error = \(error), updated_at = \(stamp)
            WHERE state = 'held' AND receiver = \(receiver) AND coalesce(age_from, created_at) < \(cutoff.unixSeconds)
            """)
    }
}
