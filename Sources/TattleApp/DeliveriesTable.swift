import Events
import Foundation
import Outbox
import Store

/// The text table `tattle deliveries` prints: one line per row, columns padded, long cells cut.
enum DeliveriesTable {
    static let headers = ["ID", "STATE", "RECEIVER", "RULE", "EVENT", "ATTEMPTS", "NEXT/AGE", "LAST ERROR"]
    /// Widest a cell may be before it is cut with `…`; the last error column gets more room.
    static let maxWidth = 48
    static let maxErrorWidth = 80

    static func render(_ rows: [OutboxRow], now: Date) -> String {
        let cells =
            [headers]
            + rows.map { row in
                [
                    String(row.id), displayState(row), row.dispatch.receiver, row.dispatch.rule,
                    describeEvent(row.event),
                    String(row.attempts), timing(row, now: now),
                    row.silenceId.map { "silenced by \($0)" } ?? row.lastError ?? "",
                ]
            }
        let cut = cells.map { line in
            line.enumerated().map { column, cell in
                clip(oneLine(cell), to: column == headers.count - 1 ? maxErrorWidth : maxWidth)
            }
        }
        var widths = Array(repeating: 0, count: headers.count)
        for line in cut { for (column, cell) in line.enumerated() { widths[column] = max(widths[column], cell.count) } }
        return cut.map { line in
            line.enumerated().map { column, cell in
                column == line.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
        }
        .joined(separator: "\n")
    }

    /// `retrying` for a pending row that was attempted, else the stored state.
    static func displayState(_ row: OutboxRow) -> String {
        row.state == .pending && row.attempts > 0 ? "retrying" : row.state.rawValue
    }

    /// `invocation.status_changed inv-1 RUNNING→FAILED`, with the task id for task events.
    static func describeEvent(_ event: Event) -> String {
        let subject = event.task.map { "\(event.invocation.id)/\($0.id)" } ?? event.invocation.id
        let change = event.previousStatus.map { "\($0)→\(event.status)" } ?? event.status.rawValue
        return "\(event.type.rawValue) \(subject) \(change)"
    }

    /// For a waiting row, when it is next due (`due`, `in 4m`); otherwise how old it is (`3h ago`).
    static func timing(_ row: OutboxRow, now: Date) -> String {
        if row.state == .pending {
            let due = max(row.nextAttemptAt, row.dispatch.notBefore)
            return due <= now ? "due" : "in " + span(due.timeIntervalSince(now))
        }
        return span(now.timeIntervalSince(row.createdAt)) + " ago"
    }

    /// A compact duration: `45s`, `12m`, `3h`, `2d`.
    static func span(_ seconds: TimeInterval) -> String {
        let seconds = max(0, Int(seconds.rounded()))
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h"
        default: return "\(seconds / 86_400)d"
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    private static func clip(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }
}
