import Delivery
import Events
import Foundation
import Outbox
import Rules
import Secrets
import Store

/// `GET /deliveries/{id}` and `GET /events/{id}`: one notification or one event in full, with the
/// payload each receiver gets, secrets redacted.
enum DetailPages {
    /// One outbox row: its routing, attempts, last error and response excerpt, a replay button
    /// when it is dead (and the API is enabled), and its payload.
    static func delivery(_ row: OutboxRow, sources: StatusSources, adminEnabled: Bool, nonce: String) -> String {
        let h = StatusPage.h
        let now = sources.now()
        var body = "<h1>Delivery \(row.id) <span class=\"muted\">· \(h(row.dispatch.receiver))</span></h1>\n"
        body += "<div id=\"api-result\" hidden></div>\n<dl id=\"delivery\">"
        let fields: [(String, String)] = [
            ("state", h(DeliveriesTable.displayState(row))), ("receiver", h(row.dispatch.receiver)),
            ("rule", h(row.dispatch.rule)),
            ("group key", h(row.dispatch.groupKey.isEmpty ? "–" : row.dispatch.groupKey)),
            ("event", "<a href=\"/events/\(HTML.pathSegment(row.event.id))\">\(h(row.event.id))</a>"),
            ("idempotency key", "<code>\(h(row.dispatch.idempotencyKey))</code>"),
            ("attempts", "\(row.attempts)"), ("created", StatusPage.when(row.createdAt, now: now)),
            ("next attempt", StatusPage.when(max(row.nextAttemptAt, row.dispatch.notBefore), now: now)),
            ("recovery notice", row.dispatch.isRecovery ? "yes" : "no"),
        ]
        for (name, value) in fields { body += "<dt>\(name)</dt><dd>\(value)</dd>" }
        if let error = row.lastError { body += "<dt>last error</dt><dd><code>\(h(error))</code></dd>" }
        if let excerpt = row.responseExcerpt { body += "<dt>response excerpt</dt><dd><pre>\(h(excerpt))</pre></dd>" }
        body += "</dl>\n"
        if row.state == .dead, adminEnabled {
            body +=
                "<p><button data-api=\"/api/v1/deliveries/\(row.id)/replay\" data-method=\"POST\">replay</button></p>\n"
        }
        if let sent = row.sentPayload {
            body +=
                "<h2>Payload as sent</h2>\n<p class=\"muted\">The body of the last attempt as recorded with the "
                + "delivery (signature fields a platform adds at send time are not shown). Credentials are redacted.</p>\n"
                + "<pre class=\"payload\" id=\"sent-payload\"><code>\(h(RulesCommands.pretty(Array(sent.utf8))))</code></pre>\n"
        } else {
            body +=
                "<h2>Payload (not attempted yet)</h2>\n"
                + payload(
                    rule: row.dispatch.rule, receiver: row.dispatch.receiver, event: row.event,
                    isRecovery: row.dispatch.isRecovery, engine: sources.holder.current)
        }
        return PageLayout.document(title: "Tattle delivery \(row.id)", body: body, nonce: nonce)
    }

    /// One event: its summary, its JSON as stored, and the payload of each of its notifications.
    static func event(_ recorded: RecordedEvent, sources: StatusSources, nonce: String) -> String {
        let h = StatusPage.h
        let event = recorded.event
        let engine = sources.holder.current
        var body =
            "<h1>Event <span class=\"muted\">· \(h(event.type.rawValue)) \(StatusPage.statusChange(event))</span></h1>\n"
        body +=
            "<dl id=\"event\"><dt>id</dt><dd><code>\(h(event.id))</code></dd>"
            + "<dt>command</dt><dd>\(h(event.invocation.commandName ?? "–")) <span class=\"muted\">\(h(event.invocation.commandId ?? ""))</span></dd>"
            + "<dt>invocation</dt><dd>\(h(event.invocation.id))</dd><dt>instance</dt><dd>\(h(StatusPage.instances(event)))</dd>"
            + "<dt>region</dt><dd>\(h(event.region))</dd><dt>recorded</dt><dd>\(StatusPage.when(recorded.recordedAt, now: sources.now()))</dd></dl>\n"
        body += "<h2>Event JSON</h2>\n<pre id=\"event-json\"><code>\(h(eventJSON(event)))</code></pre>\n"
        for note in recorded.notifications {
            body +=
                "<h2>To <a href=\"/deliveries/\(note.id)\">\(h(note.receiver))</a> "
                + "<span class=\"muted\">(rule \(h(note.rule)), \(h(EventListing.displayState(note))))</span></h2>\n"
            if note.attempts > 0 {
                body +=
                    "<p>Attempted \(note.attempts)×: <a href=\"/deliveries/\(note.id)\">the delivery page</a> shows the "
                    + "body as sent. Below, the payload as the rules in force now render it.</p>\n"
            }
            body += payload(
                rule: note.rule, receiver: note.receiver, event: event, isRecovery: note.isRecovery, engine: engine)
        }
        if recorded.notifications.isEmpty { body += "<p class=\"muted\">No rule matched this event.</p>\n" }
        return PageLayout.document(title: "Tattle event", body: body, nonce: nonce)
    }

    /// The payload as the receiver gets it (rendered from the stored event with the rules in force),
    /// every receiver secret redacted, escaped.
    static func payload(rule: String, receiver: String, event: Event, isRecovery: Bool, engine: RulesEngine) -> String {
        let note =
            "<p class=\"muted\">Rendered from the stored event with the rules in force now; a message sent as part of a "
            + "group carried its other members too. Credentials are redacted.</p>\n"
        do {
            let message = try engine.render(rule: rule, receiver: receiver, events: [event], isRecovery: isRecovery)
            let text = engine.secrets.scrub(RulesCommands.describe(message))
            return note + "<pre class=\"payload\"><code>\(StatusPage.h(text))</code></pre>\n"
        } catch {
            return "<p class=\"bad\">Cannot render it with the rules in force now: \(StatusPage.h(error.message))</p>\n"
        }
    }

    /// The event's wire form, indented.
    static func eventJSON(_ event: Event) -> String {
        let encoder = Event.encoder
        encoder.outputFormatting.insert(.prettyPrinted)
        return (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "(not encodable)"
    }
}
