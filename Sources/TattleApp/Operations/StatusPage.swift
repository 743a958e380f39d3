import Events
import Foundation
import Outbox
import Rules
import Store
import Watcher

/// `GET /`: the overview page, server-rendered from a ``StatusReport``. Every value that comes from
/// TAT or the rules file is escaped with ``HTML/escape(_:scrubber:)``.
enum StatusPage {
    /// Seconds between automatic refreshes (paused while a button is being used).
    static let refreshSeconds = 15

    /// The whole page.
    static func render(_ report: StatusReport, nonce: String) -> String {
        var body =
            "<h1>Tattle status <span class=\"muted\">· \(when(report.generatedAt, now: report.generatedAt))</span></h1>\n"
        body += "<div id=\"api-result\" hidden></div>\n"
        body +=
            regions(report) + replicas(report) + receivers(report) + rules(report) + silences(report) + events(report)
            + deadLetters(report)
        return PageLayout.document(
            title: "Tattle status", body: body, nonce: nonce, refreshSeconds: refreshSeconds)
    }

    /// Per region: last successful poll, API calls per cycle, tracked invocations, failed cycles.
    static func regions(_ report: StatusReport) -> String {
        var html = table(
            "Regions", id: "regions",
            headers: ["region", "last successful poll", "API calls per cycle", "tracked invocations", "failed cycles"])
        for region in report.regions {
            let failures = region.consecutiveFailures
            html +=
                "<tr><td>\(h(region.label))</td>"
                + "<td>\(region.lastSuccessfulPoll.map { when($0, now: report.generatedAt) } ?? "<span class=\"bad\">none yet</span>")</td>"
                + "<td class=\"n\">\(region.callsPerCycle.map(String.init) ?? "–")</td>"
                + "<td class=\"n\">\(region.tracked)</td>"
                + "<td class=\"n\">\(failures > 0 ? "<span class=\"bad\">\(failures)</span>" : "0")</td></tr>\n"
        }
        if report.regions.isEmpty { html += empty(5, "no watcher") }
        return html + "</table>\n"
    }

    /// Per receiver: counts by outbox state and the oldest pending age.
    static func receivers(_ report: StatusReport) -> String {
        let states = report.stateColumns.map { $0.replacingOccurrences(of: "_", with: " ") }
        var html = table("Receivers", id: "receivers", headers: ["receiver", "type"] + states + ["oldest pending"])
        for line in report.receivers {
            html +=
                "<tr data-receiver=\"\(h(line.name))\"><td>\(h(line.name))</td>"
                + "<td>\(line.type.map(h) ?? "<span class=\"muted\">not in the rules now</span>")</td>"
            for state in report.stateColumns {
                let count = line.backlog.counts[state] ?? 0
                let marked =
                    count > 0 && (state == "dead" || state == "held")
                    ? "<span class=\"bad\">\(count)</span>" : "\(count)"
                html += "<td class=\"n\">\(marked)</td>"
            }
            let age = line.backlog.oldestPendingAge
            html += "<td class=\"n\">\(age > 0 ? span(age) : "–")</td></tr>\n"
        }
        if report.receivers.isEmpty {
            html += empty(report.stateColumns.count + 3, "no receivers")
        }
        return html + "</table>\n"
    }

    /// The rules file's reload state and last error.
    static func rules(_ report: StatusReport) -> String {
        let reload = report.reload
        let outcome =
            reload.outcome == "applied"
            ? "<span class=\"ok\">applied</span>"
            : "<span class=\"bad\">\(h(reload.outcome)); previous rules kept</span>"
        var html =
            "<h2>Rules file</h2>\n<dl id=\"rules\"><dt>file</dt><dd><code>\(h(report.rulesFile))</code></dd>"
            + "<dt>in force since</dt><dd>\(when(reload.loadedAt, now: report.generatedAt))</dd>"
            + "<dt>rules · receivers</dt><dd>\(reload.ruleCount) · \(reload.receiverCount)</dd>"
            + "<dt>last reload</dt><dd>\(outcome) (\(h(reload.trigger)), \(when(reload.attemptedAt, now: report.generatedAt)))"
        if report.adminEnabled {
            html += " <button data-api=\"/api/v1/reload\" data-method=\"POST\">reload now</button>"
        }
        html += "</dd>"
        if let error = reload.lastError {
            html +=
                "<dt>\(reload.outcome == "applied" ? "warnings" : "last error")</dt><dd><pre id=\"reload-error\">\(h(error))</pre></dd>"
        }
        return html + "</dl>\n"
    }

    /// Active silences, each with an expire button when the API is enabled.
    static func silences(_ report: StatusReport) -> String {
        var html = table(
            "Active silences", id: "silences", headers: ["id", "matchers", "ends", "created by", "comment", ""])
        for silence in report.silences {
            html +=
                "<tr data-silence=\"\(h(silence.id))\"><td><code>\(h(silence.id))</code></td>"
                + "<td><code>\(h(silence.matchers.map(\.description).joined(separator: " ")))</code></td>"
                + "<td>\(when(silence.endsAt, now: report.generatedAt))</td><td>\(h(silence.createdBy))</td>"
                + "<td>\(h(silence.comment))</td><td>"
                + (report.adminEnabled
                    ? "<button data-api=\"/api/v1/silences/\(HTML.pathSegment(silence.id))\" data-method=\"DELETE\">expire</button>"
                    : "")
                + "</td></tr>\n"
        }
        if report.silences.isEmpty {
            html += empty(
                6, "none (add one with <code>tattle silence add</code> or <code>POST /api/v1/silences</code>)")
        }
        return html + "</table>\n"
    }

    /// The newest events and where each went.
    static func events(_ report: StatusReport) -> String {
        var html = table(
            "Recent events", id: "events",
            headers: ["when", "type", "command", "status", "instance", "region", "receivers"])
        for recorded in report.events {
            let event = recorded.event
            let receivers = recorded.notifications.map { note in
                "<a href=\"/deliveries/\(note.id)\">\(h(note.receiver))</a> <span class=\"muted\">\(h(EventListing.displayState(note)))</span>"
            }
            html +=
                "<tr data-event=\"\(h(event.id))\"><td><a href=\"/events/\(HTML.pathSegment(event.id))\">"
                + "\(when(recorded.recordedAt, now: report.generatedAt))</a></td>"
                + "<td class=\"k\">\(h(event.type.rawValue))</td><td>\(h(event.invocation.commandName ?? event.invocation.commandId ?? "–"))</td>"
                + "<td class=\"k\">\(statusChange(event))</td><td>\(h(instances(event)))</td><td class=\"k\">\(h(event.unitLabel))</td>"
                + "<td>\(receivers.isEmpty ? "<span class=\"muted\">no rule matched</span>" : receivers.joined(separator: "<br>"))</td></tr>\n"
        }
        if report.events.isEmpty { html += empty(7, "no events yet") }
        return html + "</table>\n"
    }

    /// Dead letters with their last error and a replay button when the API is enabled.
    static func deadLetters(_ report: StatusReport) -> String {
        var html = table(
            "Dead letters", id: "dead-letters",
            headers: ["id", "receiver", "rule", "event", "attempts", "last error", ""])
        for row in report.deadLetters {
            html +=
                "<tr data-delivery=\"\(row.id)\"><td class=\"k\"><a href=\"/deliveries/\(row.id)\">\(row.id)</a></td>"
                + "<td>\(h(row.dispatch.receiver))</td><td>\(h(row.dispatch.rule))</td>"
                + "<td>\(h(row.event.invocation.commandName ?? row.event.invocation.id)) \(statusChange(row.event))</td>"
                + "<td class=\"n\">\(row.attempts)</td><td><code>\(h(row.lastError ?? ""))</code></td>"
                + "<td>\(report.adminEnabled ? "<button data-api=\"/api/v1/deliveries/\(row.id)/replay\" data-method=\"POST\">replay</button>" : "")</td></tr>\n"
        }
        if report.deadLetters.isEmpty { html += empty(7, "none") }
        html += "</table>\n"
        if !report.adminEnabled {
            html += "<p class=\"muted\">Replay and expiry buttons appear when TATTLE_ADMIN_TOKEN is set.</p>\n"
        }
        return html
    }

    // MARK: - Cells

    /// A section heading and the start of its table, header row included (`headers` are literal).
    static func table(_ title: String, id: String, headers: [String]) -> String {
        "<h2>\(title)</h2>\n<table id=\"\(id)\"><tr>" + headers.map { "<th>\(h($0))</th>" }.joined() + "</tr>\n"
    }

    /// The row an empty table shows; `html` is markup.
    static func empty(_ columns: Int, _ html: String) -> String {
        "<tr><td colspan=\"\(columns)\" class=\"muted\">\(html)</td></tr>\n"
    }

    /// Shorthand for ``HTML/escape(_:scrubber:)``.
    static func h(_ text: String) -> String { HTML.escape(text) }

    /// `RUNNING → FAILED`, coloured by the new status.
    static func statusChange(_ event: Event) -> String {
        let bad =
            ["FAILED", "PARTIAL_FAILED", "TIMEOUT", "CANCELLED", "PARTIAL_CANCELLED"].contains(event.status.rawValue)
            || event.type.rawValue.hasSuffix("stuck")
        let new = "<span class=\"\(bad ? "bad" : event.status.isSuccess ? "ok" : "")\">\(h(event.status.rawValue))</span>"
        return (event.previousStatus.map { h($0.rawValue) + " → " } ?? "") + new
    }

    /// The task's instance, or the failed instances of an invocation, or its instance count.
    static func instances(_ event: Event) -> String {
        if let task = event.task { return task.instanceId }
        if let failed = event.invocation.failedInstances, !failed.isEmpty {
            let ids = failed.prefix(3).map(\.instanceId).joined(separator: ", ")
            return failed.count > 3 ? "\(ids) and \(failed.count - 3) more" : ids
        }
        return "\(event.invocation.instanceCount) instance\(event.invocation.instanceCount == 1 ? "" : "s")"
    }

    /// A time with its age: `<time datetime="…">09:12:38 UTC (5s ago)</time>`; the date is shown
    /// only when it is not today's, a future time reads `(in 2h)`.
    static func when(_ date: Date, now: Date) -> String {
        let iso = ISO8601DateFormatter().string(from: date)
        let day = iso.prefix(10)
        let clock = String(iso.dropFirst(11).prefix(8))
        let age = now.timeIntervalSince(date)
        let relative = age >= 0 ? "\(span(age)) ago" : "in \(span(-age))"
        let shown = day == ISO8601DateFormatter().string(from: now).prefix(10) ? clock : "\(day) \(clock)"
        return
            "<time datetime=\"\(iso)\" title=\"\(iso)\">\(shown) UTC <span class=\"muted\">(\(relative))</span></time>"
    }

    /// A duration to the minute: `45s`, `12m`, `1h59m`, `2d3h`.
    static func span(_ seconds: TimeInterval) -> String {
        let seconds = max(0, Int(seconds.rounded()))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h" + (seconds % 3600 / 60 > 0 ? "\(seconds % 3600 / 60)m" : "")
        default: return "\(seconds / 86_400)d" + (seconds % 86_400 / 3600 > 0 ? "\(seconds % 86_400 / 3600)h" : "")
        }
    }
}
