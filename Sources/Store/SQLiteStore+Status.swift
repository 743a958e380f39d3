import Events
import Foundation
import GRDB

/// One receiver's share of the outbox, as the status page shows it.
public struct ReceiverBacklog: Sendable, Hashable {
    /// The receiver's name (never its URL).
    public var receiver: String
    /// Rows per stored state (`pending`, `in_flight`, `delivered`, `dead`, and whatever states the outbox
    /// gains later), plus `retrying`: the pending rows attempted at least once (also counted in `pending`).
    public var counts: [String: Int]
    /// Age of the receiver's oldest pending or in-flight row, in seconds; 0 when none.
    public var oldestPendingAge: Double

    /// A backlog; by default empty (a configured receiver without rows).
    public init(receiver: String, counts: [String: Int] = [:], oldestPendingAge: Double = 0) {
        self.receiver = receiver
        self.counts = counts
        self.oldestPendingAge = oldestPendingAge
    }
}

/// A stored event with the notifications derived from it.
public struct RecordedEvent: Sendable, Hashable {
    /// One outbox row of the event: its id, receiver, rule and stored state.
    public struct Notification: Sendable, Hashable, Encodable {
        /// The outbox row id (`/deliveries/{id}`, `tattle replay --id`).
        public var id: Int64
        /// The receiver's name.
        public var receiver: String
        /// The rule that routed the event there.
        public var rule: String
        /// The stored state (`pending`, `delivered`, `dead`, …).
        public var state: String
        /// Attempts made so far.
        public var attempts: Int
        /// Whether it is a recovery notice.
        public var isRecovery: Bool

        /// A notification as stored.
        public init(id: Int64, receiver: String, rule: String, state: String, attempts: Int, isRecovery: Bool = false) {
            self.id = id
            self.receiver = receiver
            self.rule = rule
            self.state = state
            self.attempts = attempts
            self.isRecovery = isRecovery
        }
    }

    /// The event as stored with its cycle.
    public var event: Event
    /// When the cycle that detected it was committed.
    public var recordedAt: Date
    /// Its outbox rows, by id; empty when no rule matched.
    public var notifications: [Notification]

    /// A recorded event.
    public init(event: Event, recordedAt: Date, notifications: [Notification]) {
        self.event = event
        self.recordedAt = recordedAt
        self.notifications = notifications
    }
}

extension RecordedEvent {
    /// A stored event row (`json`, `created_at`) with its notifications, or `nil` when the JSON no
    /// longer decodes (listings skip such an event). Shared by both stores.
    package init?(json: Data, recordedAt: Double, notifications: [Notification]) {
        guard let event = try? Event.decoder.decode(Event.self, from: json) else { return nil }
        self.init(event: event, recordedAt: Date(timeIntervalSince1970: recordedAt), notifications: notifications)
    }
}

/// Read-only queries behind the status page and the admin API.
extension SQLiteStore {
    /// Every receiver that has outbox rows, by name, with its counts by state.
    public func receiverBacklogs(now: Date) async throws -> [ReceiverBacklog] {
        try await read { db in
            var backlogs: [String: ReceiverBacklog] = [:]
            let counts = try Row.fetchCursor(
                db,
                sql: """
                    SELECT receiver, state, count(*), sum(attempts > 0), min(created_at) FROM outbox
                    GROUP BY receiver, state
                    """)
            while let row = try counts.next() {
                let receiver: String = row[0]
                let state: String = row[1]
                var backlog = backlogs[receiver] ?? ReceiverBacklog(receiver: receiver)
                backlog.counts[state, default: 0] += row[2] as Int
                if state == "pending" { backlog.counts["retrying", default: 0] += (row[3] as Int?) ?? 0 }
                if state == "pending" || state == "in_flight", let oldest = row[4] as Double? {
                    backlog.oldestPendingAge = max(backlog.oldestPendingAge, max(0, now.unixSeconds - oldest))
                }
                backlogs[receiver] = backlog
            }
            return backlogs.values.sorted { $0.receiver < $1.receiver }
        }
    }

    /// The newest stored events, newest first (by insertion: the table's rowid, so no sort), each
    /// with its notifications. An event whose JSON no longer decodes is skipped.
    public func recentEvents(limit: Int) async throws -> [RecordedEvent] {
        guard limit > 0 else { return [] }
        let raw = try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, json, created_at FROM event ORDER BY rowid DESC LIMIT ?",
                arguments: [limit]
            ).map { row in (id: row[0] as String, json: row[1] as Data, at: row[2] as Double) }
        }
        let notifications = try await notifications(eventIds: raw.map(\.id))
        return raw.compactMap { row in
            RecordedEvent(json: row.json, recordedAt: row.at, notifications: notifications[row.id] ?? [])
        }
    }

    /// One stored event by id, or nil when unknown (or no longer decodable).
    public func recordedEvent(id: String) async throws -> RecordedEvent? {
        let raw = try await read { db in
            try Row.fetchOne(db, sql: "SELECT json, created_at FROM event WHERE id = ?", arguments: [id]).map { row in
                (json: row[0] as Data, at: row[1] as Double)
            }
        }
        guard let raw, let event = try? Event.decoder.decode(Event.self, from: raw.json) else { return nil }
        let notifications = try await notifications(eventIds: [id])
        return RecordedEvent(
            event: event, recordedAt: Date(timeIntervalSince1970: raw.at), notifications: notifications[id] ?? [])
    }

    private func notifications(eventIds: [String]) async throws -> [String: [RecordedEvent.Notification]] {
        guard !eventIds.isEmpty else { return [:] }
        let list = try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT event_id, id, receiver, rule, state, attempts, is_recovery FROM outbox
                    WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY id
                    """,
                arguments: [String(decoding: try JSONEncoder().encode(eventIds), as: UTF8.self)]
            ).map { row in
                (
                    row[0] as String,
                    RecordedEvent.Notification(
                        id: row[1], receiver: row[2], rule: row[3], state: row[4], attempts: row[5], isRecovery: row[6])
                )
            }
        }
        return Dictionary(grouping: list, by: \.0).mapValues { $0.map(\.1) }
    }
}
