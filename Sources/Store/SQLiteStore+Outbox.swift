import Events
import Foundation
import GRDB

extension SQLiteStore: OutboxStore {
    /// Claims due rows, oldest due first, and keeps groups and stored messages whole.
    ///
    /// A row is due when it is pending and both `nextAttemptAt` and `notBefore` have passed, or in
    /// flight with a lapsed lease. A row that belongs to a stored message (a group or digest already
    /// attempted) brings every member of that message. A due row with a non-empty group key, no
    /// message and no attempt yet brings every never-attempted pending row of its (receiver, rule,
    /// group key), even if its own `notBefore` (its group wait) has not passed: the group goes out
    /// as one message once its earliest member is due. A row attempted on its own stays alone, so
    /// its idempotency key never changes. The result can therefore hold more
    /// than `limit` rows, never a partial group.
    ///
    /// A row whose stored event no longer decodes is marked dead (with the decoding error) instead
    /// of being returned, so one damaged row cannot stall the outbox.
    public func claimDue(
        now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?
    ) async throws -> [OutboxRow] {
        guard
            let claim = OutboxClaim(
                now: now, limit: limit, leaseUntil: leaseUntil, receivers: receivers,
                claimer: configuration.claimer, stamp: configuration.now())
        else { return [] }
        let lanes = try claim.receivers.map { try Self.jsonArray(names: $0) }
        let raw = try await write { db in try Self.claim(claim, lanes: lanes, db) }
        return try await claimed(raw)
    }

    public func markDelivered(ids: [Int64], at: Date, sentPayload: String?) async throws {
        try await settle(ids, .delivered(at: at, sentPayload: sentPayload))
    }

    public func scheduleRetry(
        ids: [Int64], at: Date, error: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        try await settle(ids, .retry(at: at, error: error, responseExcerpt: responseExcerpt, sentPayload: sentPayload))
    }

    public func postpone(
        ids: [Int64], until: Date, reason: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        try await settle(
            ids, .postponed(until: until, reason: reason, responseExcerpt: responseExcerpt, sentPayload: sentPayload))
    }

    public func markDead(ids: [Int64], error: String, responseExcerpt: String?, sentPayload: String?) async throws {
        try await settle(ids, .dead(error: error, responseExcerpt: responseExcerpt, sentPayload: sentPayload))
    }

    public func hold(ids: [Int64], reason: String) async throws {
        try await settle(ids, .held(reason: reason))
    }

    /// Applies `settlement` to the rows (in flight or pending) that no other claimer holds, and ends
    /// their lease. One statement per batch, setting only the columns the settlement sets (so each
    /// kind of outcome is one cached statement); statements of concurrent deliveries share a
    /// transaction (``SettleQueue``).
    private func settle(_ ids: [Int64], _ settlement: Settlement) async throws {
        guard !ids.isEmpty else { return }
        var set = ["state = ?"]
        var values: StatementArguments = [settlement.state.rawValue]
        if settlement.countsAttempt { set.append("attempts = attempts + 1") }
        let assignments: [(column: String, value: (any DatabaseValueConvertible)?)?] = [
            settlement.nextAttemptAt.map { ("next_attempt_at", $0) },
            settlement.deliveredAt.map { ("delivered_at", $0) },
            settlement.error.map { ("last_error", $0) },
            settlement.excerpt.map { ("response_excerpt", $0) },
        ]
        for case let (column, value)? in assignments {
            set.append("\(column) = ?")
            values += [value]
        }
        let stamp = settlement.stamp ?? configuration.now().unixSeconds
        let statement = SettleQueue.Statement(
            sql: """
                UPDATE outbox SET \(set.joined(separator: ", ")), sent_payload = coalesce(?, sent_payload),
                    claimed_until = NULL, claimed_by = NULL, updated_at = ?
                WHERE id IN (SELECT value FROM json_each(?)) AND state IN ('in_flight', 'pending')
                    AND (state <> 'in_flight' OR claimed_by IS NULL OR claimed_by = ?)
                """,
            arguments: values + [settlement.sentPayload, stamp, Self.jsonArray(ids), configuration.claimer])
        try await settleQueue.run(statement) { updates in try await self.write(updates) }
    }

    @discardableResult
    public func recoverInFlight() async throws -> Int {
        let stamp = configuration.now().unixSeconds
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', claimed_until = NULL, claimed_by = NULL, updated_at = ?
                    WHERE state = 'in_flight'
                    """,
                arguments: [stamp])
            return db.changesCount
        }
    }

    public func nextDueTime(receivers: Set<String>?) async throws -> Date? {
        guard receivers?.isEmpty != true else { return nil }
        // Without lanes the statement has no receiver term, so both minimums are index look-ups.
        let lanes = try receivers.map { try Self.jsonArray(names: $0.sorted()) }
        let lane = lanes == nil ? "" : " AND receiver IN (SELECT value FROM json_each(?1))"
        return try await read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT min(t) FROM (
                        SELECT min(max(next_attempt_at, not_before)) AS t FROM outbox WHERE state = 'pending'\(lane)
                        UNION ALL SELECT min(claimed_until) FROM outbox WHERE state = 'in_flight'\(lane))
                    """,
                arguments: lanes.map { [$0] } ?? []
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    public func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow] {
        try await rows(in: states, attemptedOnly: false, limit: limit)
    }

    /// Rows in the given states, newest first; with `attemptedOnly`, only rows attempted at least
    /// once (pending rows with attempts are the retrying ones `tattle deliveries --state retrying` lists).
    /// A row whose stored event no longer decodes is listed with an `unreadable` placeholder event.
    public func rows(in states: Set<DeliveryState>, attemptedOnly: Bool, limit: Int) async throws -> [OutboxRow] {
        guard !states.isEmpty, limit > 0 else { return [] }
        // Every state: no state filter, so SQLite walks the table backwards instead of sorting it.
        let filtered = states.count < DeliveryState.allCases.count
        var conditions: [String] = []
        var arguments = StatementArguments()
        if filtered {
            conditions.append("o.state IN (\(Array(repeating: "?", count: states.count).joined(separator: ", ")))")
            arguments += StatementArguments(states.map(\.rawValue).sorted())
        }
        if attemptedOnly { conditions.append("o.attempts > 0") }
        arguments += [limit]
        let raw = try await read { [conditions, arguments] db in
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.rowColumns) FROM \(Self.rowSource)
                    \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                    ORDER BY o.id DESC LIMIT ?
                    """,
                arguments: arguments
            ).map(RawRow.init)
        }
        return StoredOutboxRow.decode(raw, placeholders: true).rows
    }

    /// The rows with these ids that exist, in id order (for `tattle replay` to say what it skipped);
    /// an event that no longer decodes is replaced as in ``rows(in:attemptedOnly:limit:)``.
    public func rows(ids: [Int64]) async throws -> [OutboxRow] {
        let ids = Array(Set(ids)).sorted()
        guard !ids.isEmpty else { return [] }
        let raw = try await read { db in
            let select = try db.cachedStatement(
                sql: "SELECT \(Self.rowColumns) FROM \(Self.rowSource) WHERE o.id = ?")
            return try ids.compactMap { id in try Row.fetchOne(select, arguments: [id]).map(RawRow.init) }
        }
        return StoredOutboxRow.decode(raw, placeholders: true).rows
    }

    public func replay(ids: [Int64]?, now: Date) async throws -> Int {
        let now = now.unixSeconds
        return try await write { db in
            // A replayed row is a new delivery: its age clock restarts and its message membership is
            // formed again at the next attempt.
            let set = """
                state = 'pending', attempts = 0, next_attempt_at = ?, age_from = ?, message_id = NULL, updated_at = ?
                """
            guard let ids else {
                try db.execute(sql: "UPDATE outbox SET \(set) WHERE state = 'dead'", arguments: [now, now, now])
                return db.changesCount
            }
            let update = try db.cachedStatement(sql: "UPDATE outbox SET \(set) WHERE id = ? AND state = 'dead'")
            var count = 0
            for id in Set(ids) {
                try update.execute(arguments: [now, now, now, id])
                count += db.changesCount
            }
            return count
        }
    }

    public func stats(now: Date) async throws -> OutboxStats {
        try await read { db in
            var stats = OutboxStats()
            let counts = try Row.fetchCursor(db, sql: "SELECT state, count(*) FROM outbox GROUP BY state")
            while let row = try counts.next() {
                let count: Int = row[1]
                switch DeliveryState(rawValue: row[0]) {
                case .pending: stats.pending = count
                case .inFlight: stats.inFlight = count
                case .delivered: stats.delivered = count
                case .dead: stats.dead = count
                case .held: stats.held = count
                case .silenced: stats.silenced = count
                case nil: break
                }
            }
            let oldest = try Double.fetchOne(
                db, sql: "SELECT min(coalesce(age_from, created_at)) FROM outbox WHERE state IN ('pending', 'in_flight')")
            if let oldest { stats.oldestPendingAge = max(0, now.unixSeconds - oldest) }
            return stats
        }
    }
}
