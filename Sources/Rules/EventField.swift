import Events
import Foundation

/// A value read from an event by a field path.
enum FieldValue: Sendable, Hashable {
    case missing
    case string(String)
    case number(Double)
    case bool(Bool)

    /// The value as text (for grouping keys, globs and regexes); `nil` when missing.
    var text: String? {
        switch self {
        case .missing: nil
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }

    /// The value as a number, when it is one or a string that reads as one.
    var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value)
        default: nil
        }
    }
}

/// An event behind a reference, so compiled matchers pass one pointer instead of copying the
/// event struct through every closure call.
final class EventRef: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}

/// A compiled field path over the event's JSON form (`invocation.commandName`, `task.exitCode`,
/// `invocation.taskCounts.FAILED`), plus a few derived fields (see `docs/rules.md`).
struct EventField: Sendable {
    /// The path as written.
    let path: String
    let read: @Sendable (EventRef) -> FieldValue

    /// Compiles `path`, or returns `nil` when no event field has that path.
    init?(_ path: String) {
        self.path = path
        if let read = Self.table[path] {
            self.read = read
            return
        }
        let countsPrefix = "invocation.taskCounts."
        if path.hasPrefix(countsPrefix), path.count > countsPrefix.count {
            let status = String(path.dropFirst(countsPrefix.count))
            self.read = { .number(Double($0.event.invocation.taskCounts[status] ?? 0)) }
            return
        }
        return nil
    }

    /// Every static path, for "did you mean" suggestions and the docs.
    static var knownPaths: [String] { table.keys.sorted() + ["invocation.taskCounts.<STATUS>"] }

    private static func string(_ value: String?) -> FieldValue { value.map(FieldValue.string) ?? .missing }
    private static func number(_ value: Int?) -> FieldValue { value.map { .number(Double($0)) } ?? .missing }
    private static func number(_ value: Double?) -> FieldValue { value.map(FieldValue.number) ?? .missing }
    private static func date(_ value: Date?) -> FieldValue {
        value.map { .string($0.formatted(.iso8601)) } ?? .missing
    }
    private static func duration(_ start: Date?, _ end: Date?) -> FieldValue {
        guard let start, let end else { return .missing }
        return .number(end.timeIntervalSince(start))
    }

    private static let table: [String: @Sendable (EventRef) -> FieldValue] = [
        "version": { .number(Double($0.event.version)) },
        "id": { .string($0.event.id) },
        "type": { .string($0.event.type.rawValue) },
        "region": { .string($0.event.region) },
        "detectedAt": { date($0.event.detectedAt) },
        "previousStatus": { string($0.event.previousStatus) },
        "status": { .string($0.event.status) },
        "isFailure": { .bool(StatusClass.isFailure($0.event)) },
        "isTerminal": { .bool(StatusClass.isTerminal($0.event)) },
        "invocation": { _ in .bool(true) },
        "invocation.id": { .string($0.event.invocation.id) },
        "invocation.commandId": { string($0.event.invocation.commandId) },
        "invocation.commandName": { string($0.event.invocation.commandName) },
        "invocation.description": { string($0.event.invocation.description) },
        "invocation.instanceKind": { string($0.event.invocation.instanceKind) },
        "invocation.source": { string($0.event.invocation.source) },
        "invocation.username": { string($0.event.invocation.username) },
        "invocation.createdTime": { date($0.event.invocation.createdTime) },
        "invocation.startTime": { date($0.event.invocation.startTime) },
        "invocation.endTime": { date($0.event.invocation.endTime) },
        "invocation.timeout": { number($0.event.invocation.timeout) },
        "invocation.status": { .string($0.event.invocation.status) },
        "invocation.instanceCount": { .number(Double($0.event.invocation.instanceCount)) },
        "invocation.failedInstances": { $0.event.invocation.failedInstances == nil ? .missing : .bool(true) },
        "invocation.failedInstanceCount": { number($0.event.invocation.failedInstances?.count) },
        "invocation.durationSeconds": { duration($0.event.invocation.startTime, $0.event.invocation.endTime) },
        "task": { $0.event.task == nil ? .missing : .bool(true) },
        "task.id": { string($0.event.task?.id) },
        "task.instanceId": { string($0.event.task?.instanceId) },
        "task.status": { string($0.event.task?.status) },
        "task.exitCode": { number($0.event.task?.exitCode) },
        "task.errorInfo": { string($0.event.task?.errorInfo) },
        "task.dropped": { number($0.event.task?.dropped) },
        "task.output": { $0.event.task?.output == nil ? .missing : .bool(true) },
        "task.output.text": { string($0.event.task?.output?.text) },
        "task.output.omittedBytes": { number($0.event.task?.output?.omittedBytes) },
        "task.startTime": { date($0.event.task?.startTime) },
        "task.endTime": { date($0.event.task?.endTime) },
        "task.durationSeconds": { duration($0.event.task?.startTime, $0.event.task?.endTime) },
        "stuck": { $0.event.stuck == nil ? .missing : .bool(true) },
        "stuck.since": { date($0.event.stuck?.since) },
        "stuck.seconds": { number($0.event.stuck?.seconds) },
        "stuck.limitSeconds": { number($0.event.stuck?.limitSeconds) },
    ]
}

/// How statuses are classed for recovery, `isFailure` and the default templates.
enum StatusClass {
    /// Whether the event reports a failed, timed-out or (for stuck events) stuck state.
    static func isFailure(_ event: Event) -> Bool {
        if event.type == .invocationStuck || event.type == .taskStuck { return true }
        // Event statuses are the upper-case raw values; compare directly (no allocation).
        switch event.status {
        case "FAILED", "TIMEOUT": return true
        case "PARTIAL_FAILED": return !event.type.isTaskLevel
        case "TASK_TIMEOUT", "START_FAILED", "DELIVER_FAILED": return event.type.isTaskLevel
        default: return false
        }
    }

    /// Whether the event's status is final.
    static func isTerminal(_ event: Event) -> Bool {
        switch event.status {
        case "SUCCESS", "FAILED", "TIMEOUT", "CANCELLED": return true
        case "PARTIAL_FAILED", "PARTIAL_CANCELLED": return !event.type.isTaskLevel
        case "TASK_TIMEOUT", "START_FAILED", "DELIVER_FAILED", "TERMINATED": return event.type.isTaskLevel
        default: return false
        }
    }

    /// Whether the event reports success (what clears a recorded failure).
    static func isSuccess(_ event: Event) -> Bool {
        (event.type == .invocationStatusChanged || event.type == .taskStatusChanged) && event.status == "SUCCESS"
    }
}
