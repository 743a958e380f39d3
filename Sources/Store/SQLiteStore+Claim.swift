import Events
import Foundation
import GRDB
import Outbox

extension StoredOutboxRow {
    /// The row of ``SQLiteStore/rowColumns``, in order.
    init(_ row: Row) {
        var message: MessageRef?
        if let messageID: Int64 = row[15], let key: String = row[16] {
            message = MessageRef(id: messageID, key: key, isDigest: row[17] ?? false)
        }
        self.init(
            id: row[0],
            dispatch: Dispatch(
                eventId: row[1], receiver: row[2], rule: row[3], groupKey: row[4],
                notBefore: Date(timeIntervalSince1970: row[5]), isRecovery: row[6]),
            state: row[7], attempts: row[8], nextAttemptAt: row[9], createdAt: row[10], lastError: row[11],
            responseExcerpt: row[12], json: row[13], ageFrom: row[14], message: message, claimedUntil: row[18],
            silenceId: row[19], sentPayload: row[20])
    }
}

extension SQLiteStore {
    /// An outbox row as read inside a transaction (shared with the PostgreSQL store).
    typealias RawRow = StoredOutboxRow

    /// The columns ``StoredOutboxRow/init(_:)`` reads, in order, from ``rowSource``.
    static let rowColumns = StoredOutboxRow.columns

    /// The tables ``rowColumns`` come from.
    static let rowSource = StoredOutboxRow.source

    /// Selects due rows — lapsed leases first, then pending rows by due time — completes their
    /// messages and groups (``OutboxClaim/companions(of:)``), and marks them in flight under the
    /// claimer's lease, in the caller's transaction. On PostgreSQL the selects become
    /// `FOR UPDATE SKIP LOCKED`; the rest is the same. `lanes` is the claim's receivers as a JSON array.
    static func claim(_ claim: OutboxClaim, lanes: String?, _ db: Database) throws -> [RawRow] {
        let (now, limit) = (claim.now, claim.limit)
        // `lanes` is a JSON array of names, or NULL for every receiver.
        let lane = "(?1 IS NULL OR o.receiver IN (SELECT value FROM json_each(?1)))"

        var due = try fetchRawRows(
            db.cachedStatement(
                sql: """
                    SELECT \(rowColumns) FROM \(rowSource)
                    WHERE o.state = 'in_flight' AND o.claimed_until <= ?2 AND \(lane)
                    ORDER BY o.claimed_until, o.id LIMIT ?3
                    """),
            arguments: [lanes, now, limit])
        if due.count < limit {
            due += try fetchRawRows(
                db.cachedStatement(
                    sql: """
                        SELECT \(rowColumns) FROM \(rowSource)
                        WHERE o.state = 'pending' AND max(o.next_attempt_at, o.not_before) <= ?2 AND \(lane)
                        ORDER BY max(o.next_attempt_at, o.not_before), o.id LIMIT ?3
                        """),
                arguments: [lanes, now, limit - due.count])
        }
        let messageMembers = try db.cachedStatement(
            sql: """
                SELECT \(rowColumns) FROM \(rowSource)
                WHERE o.message_id = ? AND (o.state = 'pending' OR (o.state = 'in_flight' AND o.claimed_until <= ?))
                ORDER BY o.id
                """)
        let groupMembers = try db.cachedStatement(
            sql: """
                SELECT \(rowColumns) FROM \(rowSource)
                WHERE o.state = 'pending' AND o.group_key <> '' AND o.message_id IS NULL
                    AND o.receiver = ? AND o.rule = ? AND o.group_key = ? AND o.attempts = 0
                ORDER BY o.id
                """)
        var claim = claim
        for row in due where !claim.contains(row) {
            switch OutboxClaim.companions(of: row) {
            case .message(let id):
                claim.add(row, companions: try fetchRawRows(messageMembers, arguments: [id, now]))
            case .group(let receiver, let rule, let groupKey):
                claim.add(row, companions: try fetchRawRows(groupMembers, arguments: [receiver, rule, groupKey]))
            case nil:
                claim.add(row, companions: [])
            }
        }
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET state = 'in_flight', claimed_until = ?, claimed_by = ?, updated_at = ?
                WHERE id IN (SELECT value FROM json_each(?))
                """
        ).execute(arguments: [claim.leaseUntil, claim.claimer, claim.stamp, jsonArray(claim.rows.map(\.id))])
        return claim.inFlight
    }

    /// Row ids as a JSON array, the one argument `json_each(?)` expands: one statement per batch.
    static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Names as a JSON array of strings, for `json_each(?)`.
    static func jsonArray(names: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
    }
}

/// Fetches a statement's rows as ``SQLiteStore/RawRow``s (all at once: the statement is reused).
private func fetchRawRows(_ statement: Statement, arguments: StatementArguments) throws -> [SQLiteStore.RawRow] {
    try Row.fetchAll(statement, arguments: arguments).map(SQLiteStore.RawRow.init)
}
