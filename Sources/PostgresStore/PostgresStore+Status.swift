import Events
import Foundation
import PostgresNIO
import Store

extension PostgresStore: StateDatabase {
    public func rows(in states: Set<DeliveryState>, attemptedOnly: Bool, limit: Int) async throws -> [OutboxRow] {
        guard !states.isEmpty, limit > 0 else { return [] }
        let names = states.map(\.rawValue).sorted()
        let raw = try await read { connection in
            try await self.storedRows(
                connection.query(
                    """
                    SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                    WHERE o.state = ANY(\(names)) AND (NOT \(attemptedOnly) OR o.attempts > 0)
                    ORDER BY o.id DESC LIMIT \(limit)
                    """, logger: self.logger))
        }
        return StoredOutboxRow.decode(raw, placeholders: true).rows
    }

    public func rows(ids: [Int64]) async throws -> [OutboxRow] {
        let ids = Array(Set(ids)).sorted()
        guard !ids.isEmpty else { return [] }
        let raw = try await read { connection in
            try await self.storedRows(
                connection.query(
                    """
                    SELECT \(unescaped: Self.rowColumns) FROM \(unescaped: Self.rowSource)
                    WHERE o.id = ANY(\(ids)) ORDER BY o.id
                    """, logger: self.logger))
        }
        return StoredOutboxRow.decode(raw, placeholders: true).rows
    }

    public func receiverBacklogs(now: Date) async throws -> [ReceiverBacklog] {
        try await read { connection in
            var backlogs: [String: ReceiverBacklog] = [:]
            for try await (receiver, state, count, retrying, oldest) in try await connection.query(
                """
                SELECT receiver, state, count(*), count(*) FILTER (WHERE attempts > 0), min(created_at) FROM outbox
                GROUP BY receiver, state
                """, logger: self.logger
            ).decode((String, String, Int, Int, Double?).self) {
                var backlog = backlogs[receiver] ?? ReceiverBacklog(receiver: receiver)
                backlog.counts[state, default: 0] += count
                if state == "pending" { backlog.counts["retrying", default: 0] += retrying }
                if state == "pending" || state == "in_flight", let oldest {
                    backlog.oldestPendingAge = max(backlog.oldestPendingAge, max(0, now.unixSeconds - oldest))
                }
                backlogs[receiver] = backlog
            }
            return backlogs.values.sorted { $0.receiver < $1.receiver }
        }
    }

    public func recentEvents(limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        return try await recorded(
            "SELECT id, json, created_at FROM event ORDER BY seq DESC LIMIT \(limit)")
    }

    public func recordedEvent(id: String) async throws -> RecordedEvent? {
        try await recorded("SELECT id, json, created_at FROM event WHERE id = \(id)").first
    }

    /// The events `query` selects (`id, json, created_at`), in its order, each with its notifications.
    private func recorded(_ query: PostgresQuery) async throws -> [RecordedEvent] {
        try await read { connection in
            var raw: [(id: String, json: Data, at: Double)] = []
            for try await row in try await connection.query(query, logger: self.logger).decode(
                (String, Data, Double).self)
            {
                raw.append(row)
            }
            var notifications: [String: [RecordedEvent.Notification]] = [:]
            if !raw.isEmpty {
                for try await (eventId, id, receiver, rule, state, attempts, recovery) in try await connection.query(
                    """
                    SELECT event_id, id, receiver, rule, state, attempts, is_recovery FROM outbox
                    WHERE event_id = ANY(\(raw.map(\.id))) ORDER BY id
                    """, logger: self.logger
                ).decode((String, Int64, String, String, String, Int, Bool).self) {
                    notifications[eventId, default: []].append(
                        RecordedEvent.Notification(
                            id: id, receiver: receiver, rule: rule, state: state, attempts: attempts,
                            isRecovery: recovery))
                }
            }
            return raw.compactMap { row in
                RecordedEvent(json: row.json, recordedAt: row.at, notifications: notifications[row.id] ?? [])
            }
        }
    }

    /// A round trip through the pool, and at the same time a connection of its own: while the server
    /// is down the pool only queues requests until the timeout, but the probe is refused at once and
    /// says why, so `/readyz` turns not ready within one check.
    public func healthProblem() async -> String? {
        async let probed = probeProblem()
        async let pooled: String? = {
            do {
                _ = try await read { connection in
                    try await connection.query("SELECT 1", logger: self.logger).collect().count
                }
                return nil
            } catch {
                return "\(error)"
            }
        }()
        if let problem = await probed { return problem }
        return await pooled
    }

    /// Why a connection of its own cannot be opened (`connection refused`, a TLS or login failure), or
    /// `nil` when it can or the store has no address to probe.
    private func probeProblem() async -> String? {
        guard let probe else { return nil }
        let logger = logger
        do {
            let connection = try await bounded {
                try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            }
            try? await connection.close()
            return nil
        } catch {
            return "\(Self.mapped(error))"
        }
    }
}
