import Events
import Foundation

/// The conveniences computed for templates: the one-line `title`, `statusEmoji`, the command's
/// display name and the console link.
enum Headline {
    /// The command's name, falling back to its id, then the invocation id.
    static func commandName(_ event: Event) -> String {
        event.invocation.commandName.flatMap { $0.isEmpty ? nil : $0 } ?? event.invocation.commandId
            ?? event.invocation.id
    }

    static func emoji(_ event: Event, isRecovery: Bool) -> String {
        if isRecovery { return "✅" }
        if event.type == .invocationStuck || event.type == .taskStuck { return "⏳" }
        switch event.status.rawValue {
        case "SUCCESS": return "✅"
        case "FAILED", "START_FAILED", "DELIVER_FAILED", "PARTIAL_FAILED": return "❌"
        case "TIMEOUT", "TASK_TIMEOUT": return "⏰"
        case "CANCELLED", "PARTIAL_CANCELLED", "TERMINATED", "CANCELLING": return "🚫"
        case "RUNNING", "PENDING", "DELIVERING": return "▶️"
        case "DELIVER_DELAYED": return "⏳"
        default: return "ℹ️"
        }
    }

    /// One line saying what happened, e.g. `deploy-web FAILED on 3/10 instances (ap-guangzhou)`.
    static func title(events: [Event], isRecovery: Bool) -> String {
        var text = ""
        appendTitle(events: events, isRecovery: isRecovery, into: &text)
        return text
    }

    /// ``title(events:isRecovery:)`` appended to `text` (no intermediate strings).
    static func appendTitle(events: [Event], isRecovery: Bool, into text: inout String) {
        guard !events.isEmpty else { return }
        let group = events.count > 1
        if group {
            text += "["
            text += String(events.count)
            text += "] "
        }
        events.withFirst { appendTitle($0, isRecovery: isRecovery, into: &text) }
        if group {
            text += " (+"
            text += String(events.count - 1)
            text += " more)"
        }
    }

    static func title(_ event: Event, isRecovery: Bool) -> String {
        var text = ""
        appendTitle(event, isRecovery: isRecovery, into: &text)
        return text
    }

    /// ``title(_:isRecovery:)`` appended to `text`.
    static func appendTitle(_ event: Event, isRecovery: Bool, into text: inout String) {
        text += commandName(event)
        if isRecovery {
            text += " recovered: "
            text += event.status.rawValue
            if let task = event.task {
                text += " on "
                text += task.instanceId
            }
        } else {
            switch event.type {
            case .taskStatusChanged:
                text += " "
                text += event.status.rawValue
                text += " on "
                text += event.task?.instanceId ?? "?"
                if let code = event.task?.exitCode {
                    text += ", exit code "
                    text += String(code)
                }
            case .invocationStuck, .taskStuck:
                text += " stuck in "
                text += event.status.rawValue
                if let task = event.task {
                    text += " on "
                    text += task.instanceId
                }
                if let stuck = event.stuck {
                    text += " for "
                    text += DurationText.format(stuck.seconds)
                }
            default:
                text += " "
                text += event.status.rawValue
                let failed = EventContext.failedCount(event)
                if failed > 0 && event.invocation.instanceCount > 0 {
                    text += " on "
                    text += String(failed)
                    text += "/"
                    text += String(event.invocation.instanceCount)
                    text += " instances"
                }
            }
        }
        text += " ("
        text += event.region
        text += ")"
    }

    /// The TAT execution log page of the event's region in the Tencent Cloud console.
    static func consoleURL(_ event: Event) -> String {
        let region = event.region
        let plain = region.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        let encoded = plain ? region : (region.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return "https://console.cloud.tencent.com/tat/log?region=" + encoded
    }
}
