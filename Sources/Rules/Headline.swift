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
        guard !events.isEmpty else { return "" }
        let single = events.withFirst { title($0, isRecovery: isRecovery) }
        guard events.count > 1 else { return single }
        return "[\(events.count)] \(single) (+\(events.count - 1) more)"
    }

    static func title(_ event: Event, isRecovery: Bool) -> String {
        let name = commandName(event)
        if isRecovery {
            let on = event.task.map { " on \($0.instanceId)" } ?? ""
            return "\(name) recovered: \(event.status)\(on) (\(event.region))"
        }
        switch event.type {
        case .taskStatusChanged:
            let task = event.task
            let exit = task?.exitCode.map { ", exit code \($0)" } ?? ""
            return "\(name) \(event.status) on \(task?.instanceId ?? "?")\(exit) (\(event.region))"
        case .invocationStuck, .taskStuck:
            let on = event.task.map { " on \($0.instanceId)" } ?? ""
            let duration = event.stuck.map { " for \(DurationText.format($0.seconds))" } ?? ""
            return "\(name) stuck in \(event.status)\(on)\(duration) (\(event.region))"
        default:
            let failed = EventContext.failedCount(event)
            let count =
                failed > 0 && event.invocation.instanceCount > 0
                ? " on \(failed)/\(event.invocation.instanceCount) instances" : ""
            return "\(name) \(event.status)\(count) (\(event.region))"
        }
    }

    /// The TAT execution log page of the event's region in the Tencent Cloud console.
    static func consoleURL(_ event: Event) -> String {
        let region = event.region
        let plain = region.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        let encoded = plain ? region : (region.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return "https://console.cloud.tencent.com/tat/log?region=" + encoded
    }
}

extension [Event] {
    /// `body` applied to the first event, read in place: `events[0]` and `events.first` copy the
    /// whole event (a retain per field) on the rendering path. The array must not be empty.
    func withFirst<Result>(_ body: (Event) -> Result) -> Result {
        withUnsafeBufferPointer { body($0[0]) }
    }
}
