import Events
import Foundation
import Outbox

/// An outbox row as a store reads it inside a transaction, its event still JSON: the event is
/// decoded after the transaction ends, so no lock is held while Foundation parses JSON. Shared by
/// the SQLite and PostgreSQL stores (`package`), so both decode and report damaged rows alike.
package struct StoredOutboxRow: Sendable {
    package var id: Int64
    package var dispatch: Dispatch
    package var state: String
    package var attempts: Int
    /// Times as Unix seconds, the form both stores keep.
    package var nextAttemptAt: Double
    package var createdAt: Double
    package var lastError: String?
    package var responseExcerpt: String?
    package var json: Data
    package var ageFrom: Double?
    package var message: MessageRef?
    package var claimedUntil: Double?
    package var silenceId: String?
    package var sentPayload: String?

    package init(
        id: Int64, dispatch: Dispatch, state: String, attempts: Int, nextAttemptAt: Double, createdAt: Double,
        lastError: String?, responseExcerpt: String?, json: Data, ageFrom: Double?, message: MessageRef?,
        claimedUntil: Double?, silenceId: String?, sentPayload: String?
    ) {
        self.id = id
        self.dispatch = dispatch
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.lastError = lastError
        self.responseExcerpt = responseExcerpt
        self.json = json
        self.ageFrom = ageFrom
        self.message = message
        self.claimedUntil = claimedUntil
        self.silenceId = silenceId
        self.sentPayload = sentPayload
    }

    /// Decodes raw rows; rows that do not decode come back separately with the reason, or, with
    /// `placeholders` (listings), as rows carrying ``unreadableEvent(_:)`` so they stay visible.
    package static func decode(
        _ raw: [StoredOutboxRow], placeholders: Bool = false
    ) -> (rows: [OutboxRow], undecodable: [(Int64, String)]) {
        let decoder = Event.decoder
        var events: [String: Event] = [:]
        var rows: [OutboxRow] = []
        var undecodable: [(Int64, String)] = []
        rows.reserveCapacity(raw.count)
        for row in raw {
            let event: Event
            if let cached = events[row.dispatch.eventId] {
                event = cached
            } else {
                do {
                    event = try decoder.decode(Event.self, from: row.json)
                } catch  where placeholders {
                    event = unreadableEvent(row)
                } catch {
                    undecodable.append((row.id, "stored event \(row.dispatch.eventId) does not decode: \(error)"))
                    continue
                }
                events[row.dispatch.eventId] = event
            }
            guard let state = DeliveryState(rawValue: row.state) else {
                undecodable.append((row.id, "unknown delivery state \(row.state)"))
                continue
            }
            rows.append(
                OutboxRow(
                    id: row.id, dispatch: row.dispatch, event: event, state: state, attempts: row.attempts,
                    nextAttemptAt: Date(timeIntervalSince1970: row.nextAttemptAt),
                    createdAt: Date(timeIntervalSince1970: row.createdAt), lastError: row.lastError,
                    responseExcerpt: row.responseExcerpt, ageFrom: row.ageFrom.map(Date.init(timeIntervalSince1970:)),
                    message: row.message, claimedUntil: row.claimedUntil.map(Date.init(timeIntervalSince1970:)),
                    silenceId: row.silenceId, sentPayload: row.sentPayload))
        }
        return (rows, undecodable)
    }

    /// The columns a store selects for ``StoredOutboxRow`` (the same names in SQLite and PostgreSQL), in order.
    package static let columns = """
        o.id, o.event_id, o.receiver, o.rule, o.group_key, o.not_before, o.is_recovery, o.state, o.attempts,
        o.next_attempt_at, o.created_at, o.last_error, o.response_excerpt, e.json, o.age_from, o.message_id,
        m.idempotency_key, m.is_digest, o.claimed_until, o.silence_id, o.sent_payload
        """

    /// The tables ``columns`` come from.
    package static let source = """
        outbox o JOIN event e ON e.id = o.event_id LEFT JOIN message m ON m.id = o.message_id
        """

    /// Stands in for a stored event that no longer decodes, in listings only: type `unreadable`,
    /// status `UNREADABLE`, the row's event id. Claims never return it (they mark the row dead).
    static func unreadableEvent(_ row: StoredOutboxRow) -> Event {
        Event(
            id: row.dispatch.eventId, type: EventType(rawValue: "unreadable"), region: "",
            detectedAt: Date(timeIntervalSince1970: row.createdAt), previousStatus: nil, status: "UNREADABLE",
            invocation: InvocationInfo(id: "?", status: "UNREADABLE"))
    }
}

extension OutboxStore {
    /// The rows a claim returns: `raw` decoded, and each row whose stored event no longer decodes
    /// marked dead with the reason instead, so one damaged row cannot stall the outbox.
    package func claimed(_ raw: [StoredOutboxRow]) async throws -> [OutboxRow] {
        let (rows, undecodable) = StoredOutboxRow.decode(raw)
        for (id, message) in undecodable {
            try await markDead(ids: [id], error: message, responseExcerpt: nil)
        }
        return rows
    }
}
