import Events
import Foundation
import Store

/// The work behind `tattle events`: the newest stored events, each with the notifications derived
/// from it (receiver, rule, state). `GET /api/v1/events` answers the same JSON.
public enum EventsCommands {
    /// `tattle events`: a table (or JSON array), newest first.
    public static func list(store: any StateDatabase, limit: Int, json: Bool) async throws -> DeliveriesCommands.Output {
        let events = try await store.recentEvents(limit: limit)
        if json { return DeliveriesCommands.Output(text: try encodeJSON(events.map(EventListing.init))) }
        guard !events.isEmpty else { return DeliveriesCommands.Output(text: "No events.") }
        var lines = ["RECORDED              EVENT  →  RECEIVERS"]
        for recorded in events {
            let receivers = recorded.notifications.map { "\($0.receiver) (\(EventListing.displayState($0)))" }
            lines.append(
                "\(ISO8601DateFormatter().string(from: recorded.recordedAt))  "
                    + DeliveriesTable.describeEvent(recorded.event) + "  →  "
                    + (receivers.isEmpty ? "no rule matched" : receivers.joined(separator: ", ")))
        }
        return DeliveriesCommands.Output(text: lines.joined(separator: "\n"))
    }

    /// Pretty JSON with sorted keys and unescaped slashes, dates in ISO 8601: the CLI's `--json` form.
    static func encodeJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// One event as `tattle events --json` prints it: the event in its documented wire form
/// (`docs/event.schema.json`) under `event`, when it was recorded, and its notifications.
struct EventListing: Encodable {
    /// The event in its wire form.
    var event: Event
    /// When its cycle was committed.
    var recordedAt: Date
    /// Each with its state as `tattle deliveries` shows it.
    var notifications: [RecordedEvent.Notification]

    /// The listing of a recorded event.
    init(_ recorded: RecordedEvent) {
        event = recorded.event
        recordedAt = recorded.recordedAt
        notifications = recorded.notifications.map { notification in
            var shown = notification
            shown.state = Self.displayState(notification)
            return shown
        }
    }

    /// `retrying` for a pending row that was attempted, else the stored state (as `tattle deliveries`).
    static func displayState(_ notification: RecordedEvent.Notification) -> String {
        notification.state == "pending" && notification.attempts > 0 ? "retrying" : notification.state
    }
}
