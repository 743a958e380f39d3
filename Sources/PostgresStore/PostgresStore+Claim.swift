import Events
import Foundation
import NIOCore
import Outbox
import PostgresNIO
import Store

extension PostgresStore {
    /// The columns ``storedRows(_:)`` reads, in order, from ``rowSource`` (those of the SQLite store).
    static let rowColumns = StoredOutboxRow.columns

    /// The tables ``rowColumns`` come from.
    static let rowSource = StoredOutboxRow.source

    /// Selects due rows — lapsed leases first, then pending rows by due time — completes their messages
    /// and groups (``Store/OutboxClaim/companions(of:)``), and marks them in flight under the claimer's
    /// lease, in the caller's transaction. Every select locks what it returns `FOR UPDATE SKIP LOCKED`:
    /// a row another replica is claiming right now is skipped, not waited for, and never claimed twice.
    func claim(_ claim: OutboxClaim, _ connection: PostgresConnection) async throws -> [StoredOutboxRow] {
        let (now, limit, receivers) = (claim.now, claim.limit, claim.receivers)
        var due = try await storedRows(
            connection.query(
                """
                SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                WHERE o.state = 'in_flight' AND o.claimed_until <= \(now)
                    AND (\(receivers)::text[] IS NULL OR o.receiver = ANY(\(receivers)::text[]))
                ORDER BY o.claimed_until, o.id LIMIT \(limit) FOR UPDATE OF o SKIP LOCKED
                """, logger: logger))
        if due.count < limit {
            due += try await storedRows(
                connection.query(
                    """
                    SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                    WHERE o.state = 'pending' AND greatest(o.next_attempt_at, o.not_before) <= \(now)
                        AND (\(receivers)::text[] IS NULL OR o.receiver = ANY(\(receivers)::text[]))
                    ORDER BY greatest(o.next_attempt_at, o.not_before), o.id LIMIT \(limit - due.count)
                    FOR UPDATE OF o SKIP LOCKED
                    """, logger: logger))
        }
        var claim = claim
        for row in due where !claim.contains(row) {
            let companions: [StoredOutboxRow]
            switch OutboxClaim.companions(of: row) {
            case .message(let id):
                companions = try await storedRows(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                        WHERE o.message_id = \(id)
                            AND (o.state = 'pending' OR (o.state = 'in_flight' AND o.claimed_until <= \(now)))
                        ORDER BY o.id FOR UPDATE OF o SKIP LOCKED
                        """, logger: logger))
            case .group(let receiver, let rule, let groupKey):
                companions = try await storedRows(
                    connection.query(
                        """
                        SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                        WHERE o.state = 'pending' AND o.group_key <> '' AND o.message_id IS NULL
                            AND o.receiver = \(receiver) AND o.rule = \(rule) AND o.group_key = \(groupKey)
                            AND o.attempts = 0
                        ORDER BY o.id FOR UPDATE OF o SKIP LOCKED
                        """, logger: logger))
            case nil:
                companions = []
            }
            claim.add(row, companions: companions)
        }
        guard !claim.rows.isEmpty else { return [] }
        try await connection.query(
            """
            UPDATE outbox SET state = 'in_flight', claimed_until = \(claim.leaseUntil), claimed_by = \(claim.claimer),
                updated_at = \(claim.stamp)
            WHERE id = ANY(\(claim.rows.map(\.id)))
            """, logger: logger)
        return claim.inFlight
    }

    /// Reads rows of ``rowColumns``.
    func storedRows(_ rows: PostgresRowSequence) async throws -> [StoredOutboxRow] {
        var result: [StoredOutboxRow] = []
        for try await row in rows {
            let cells = row.makeRandomAccess()
            var message: MessageRef?
            if let id = try cells[15].decode(Int64?.self), let key = try cells[16].decode(String?.self) {
                message = MessageRef(id: id, key: key, isDigest: try cells[17].decode(Bool?.self) ?? false)
            }
            result.append(
                StoredOutboxRow(
                    id: try cells[0].decode(Int64.self),
                    dispatch: Dispatch(
                        eventId: try cells[1].decode(String.self), receiver: try cells[2].decode(String.self),
                        rule: try cells[3].decode(String.self), groupKey: try cells[4].decode(String.self),
                        notBefore: Date(timeIntervalSince1970: try cells[5].decode(Double.self)),
                        isRecovery: try cells[6].decode(Bool.self)),
                    state: try cells[7].decode(String.self), attempts: try cells[8].decode(Int.self),
                    nextAttemptAt: try cells[9].decode(Double.self), createdAt: try cells[10].decode(Double.self),
                    lastError: try cells[11].decode(String?.self), responseExcerpt: try cells[12].decode(String?.self),
                    json: try cells[13].decode(Data.self), ageFrom: try cells[14].decode(Double?.self),
                    message: message, claimedUntil: try cells[18].decode(Double?.self),
                    silenceId: try cells[19].decode(String?.self), sentPayload: try cells[20].decode(String?.self)))
        }
        return result
    }
}
