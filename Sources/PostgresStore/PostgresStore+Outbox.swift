import Events
import Foundation
import PostgresNIO
import Store

extension PostgresStore: OutboxStore {
    /// Claims due rows as ``Store/SQLiteStore`` does (groups and stored messages whole, oldest due first,
    /// undecodable rows made dead letters), with `FOR UPDATE SKIP LOCKED` between replicas.
    public func claimDue(
        now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?
    ) async throws -> [OutboxRow] {
        guard
            let claim = OutboxClaim(
                now: now, limit: limit, leaseUntil: leaseUntil, receivers: receivers,
                claimer: configuration.claimer, stamp: configuration.now())
        else { return [] }
        let raw = try await transaction { connection in try await self.claim(claim, connection) }
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
    /// their lease. One statement per batch.
    private func settle(_ ids: [Int64], _ settlement: Settlement) async throws {
        guard !ids.isEmpty else { return }
        let stamp = settlement.stamp ?? configuration.now().unixSeconds
        let claimer = configuration.claimer
        let sentPayload = settlement.sentPayload
        let setsError = settlement.error != nil
        let setsExcerpt = settlement.excerpt != nil
        let error = settlement.error ?? nil
        let excerpt = settlement.excerpt ?? nil
        try await execute(
                """
                UPDATE outbox SET state = \(settlement.state.rawValue),
                    attempts = attempts + \(settlement.countsAttempt ? 1 : 0),
                    next_attempt_at = coalesce(\(settlement.nextAttemptAt)::float8, next_attempt_at),
                    delivered_at = coalesce(\(settlement.deliveredAt)::float8, delivered_at),
                    last_error = CASE WHEN \(setsError) THEN \(error)::text ELSE last_error END,
                    response_excerpt = CASE WHEN \(setsExcerpt) THEN \(excerpt)::text ELSE response_excerpt END,
                    sent_payload = coalesce(\(sentPayload)::text, sent_payload),
                    claimed_until = NULL, claimed_by = NULL, updated_at = \(stamp)
                WHERE id = ANY(\(ids)) AND state IN ('in_flight', 'pending')
                    AND (state <> 'in_flight' OR claimed_by IS NULL OR claimed_by = \(claimer))
                """)
    }

    /// Returns to pending the in-flight rows this claimer holds and those whose lease lapsed. Unlike
    /// the SQLite store (one process: every in-flight row at start is a dead process's), rows another
    /// live replica is sending are left to it; a dead replica's rows come back when their lease lapses.
    @discardableResult
    public func recoverInFlight() async throws -> Int {
        let stamp = configuration.now().unixSeconds
        return try await count(
            """
            UPDATE outbox SET state = 'pending', claimed_until = NULL, claimed_by = NULL, updated_at = \(stamp)
            WHERE state = 'in_flight'
                AND (claimed_by IS NULL OR claimed_by = \(configuration.claimer) OR claimed_until <= \(stamp))
            """)
    }

    public func nextDueTime(receivers: Set<String>?) async throws -> Date? {
        guard receivers?.isEmpty != true else { return nil }
        let lanes = receivers.map { $0.sorted() }
        return try await read { connection in
            for try await next in try await connection.query(
                """
                SELECT least(
                    (SELECT min(greatest(next_attempt_at, not_before)) FROM outbox WHERE state = 'pending'
                        AND (\(lanes)::text[] IS NULL OR receiver = ANY(\(lanes)::text[]))),
                    (SELECT min(claimed_until) FROM outbox WHERE state = 'in_flight'
                        AND (\(lanes)::text[] IS NULL OR receiver = ANY(\(lanes)::text[]))))
                """, logger: self.logger
            ).decode(Double?.self) {
                return next.map(Date.init(timeIntervalSince1970:))
            }
            return nil
        }
    }

    public func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow] {
        try await rows(in: states, attemptedOnly: false, limit: limit)
    }

    public func replay(ids: [Int64]?, now: Date) async throws -> Int {
        let now = now.unixSeconds
        // A replayed row is a new delivery: its age clock restarts and its message membership is
        // formed again at the next attempt.
        let ids = ids.map { Array(Set($0)) }
        return try await count(
            """
            UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(now), age_from = \(now),
                message_id = NULL, updated_at = \(now)
            WHERE state = 'dead' AND (\(ids)::int8[] IS NULL OR id = ANY(\(ids)::int8[]))
            """)
    }

    public func stats(now: Date) async throws -> OutboxStats {
        try await read { connection in
            var stats = OutboxStats()
            for try await (state, count) in try await connection.query(
                "SELECT state, count(*) FROM outbox GROUP BY state", logger: self.logger
            ).decode((String, Int).self) {
                switch DeliveryState(rawValue: state) {
                case .pending: stats.pending = count
                case .inFlight: stats.inFlight = count
                case .delivered: stats.delivered = count
                case .dead: stats.dead = count
                case .held: stats.held = count
                case .silenced: stats.silenced = count
                case nil: break
                }
            }
            for try await oldest in try await connection.query(
                "SELECT min(coalesce(age_from, created_at)) FROM outbox WHERE state IN ('pending', 'in_flight')",
                logger: self.logger
            ).decode(Double?.self) {
                if let oldest { stats.oldestPendingAge = max(0, now.unixSeconds - oldest) }
            }
            return stats
        }
    }

    /// Runs one data-changing statement on its own and returns how many rows it changed.
    func count(_ statement: PostgresQuery) async throws -> Int {
        var counted = statement
        counted.sql = "\(statement.sql) RETURNING 1"
        return try await execute(counted).rows
    }

    /// Runs one data-changing statement (`UPDATE`/`DELETE`, without `RETURNING`) in the caller's
    /// transaction and returns how many rows it changed.
    func changedRows(_ statement: PostgresQuery, _ connection: PostgresConnection) async throws -> Int {
        var counted = statement
        counted.sql = "WITH changed AS (\(statement.sql) RETURNING 1) SELECT count(*) FROM changed"
        for try await count in try await connection.query(counted, logger: logger).decode(Int.self) {
            return count
        }
        return 0
    }
}
