import Foundation

/// A value read from an event by a field path.
package enum FieldValue: Sendable, Hashable {
    case missing
    case string(String)
    case number(Double)
    case bool(Bool)

    /// The value as text (for grouping keys, globs and regexes); `nil` when missing.
    package var text: String? {
        switch self {
        case .missing: nil
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
    }

    /// The value as a number, when it is one or a string that reads as one.
    package var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let value): Double(value)
        default: nil
        }
    }
}

/// A compiled field path over the event's JSON form (`invocation.commandName`, `task.exitCode`,
/// `invocation.taskCounts.FAILED`), plus a few derived fields (see `docs/rules.md`).
///
/// The path compiles to a ``Key``; reading is one `switch` over the event (no closure call, no
/// string built for string fields).
package struct EventField: Sendable {
    /// The path as written.
    package let path: String
    /// Which value the path reads.
    package let key: Key

    /// The fields a path can name.
    package enum Key: Sendable, Hashable {
        case version, id, type, region, account, detectedAt, previousStatus, status, isFailure, isTerminal
        case invocation, invocationId, commandId, commandName, description, instanceKind, source, username
        case createdTime, startTime, endTime, timeout, invocationStatus, instanceCount
        case failedInstances, failedInstanceCount, invocationDuration
        case task, taskId, instanceId, taskStatus, exitCode, errorInfo, dropped, output, outputText
        case omittedBytes, taskStartTime, taskEndTime, taskDuration
        case stuck, stuckSince, stuckSeconds, stuckLimit
        /// `invocation.taskCounts.<STATUS>`.
        case taskCount(TaskStatus)
    }

    /// Compiles `path`, or returns `nil` when no event field has that path.
    package init?(_ path: String) {
        self.path = path
        if let key = Self.table[path] {
            self.key = key
            return
        }
        let countsPrefix = "invocation.taskCounts."
        if path.hasPrefix(countsPrefix), path.count > countsPrefix.count {
            self.key = .taskCount(TaskStatus(rawValue: String(path.dropFirst(countsPrefix.count))))
            return
        }
        return nil
    }

    /// Every static path, for "did you mean" suggestions and the docs.
    package static var knownPaths: [String] { table.keys.sorted() + ["invocation.taskCounts.<STATUS>"] }

    /// The field's value in `event`.
    package func read(_ event: Event) -> FieldValue {
        switch key {
        case .version: return .number(Double(event.version))
        case .type: return .string(event.type.rawValue)
        case .detectedAt: return Self.date(event.detectedAt)
        case .isFailure: return .bool(StatusClass.isFailure(event))
        case .isTerminal: return .bool(StatusClass.isTerminal(event))
        case .invocation: return .bool(true)
        case .createdTime: return Self.date(event.invocation.createdTime)
        case .startTime: return Self.date(event.invocation.startTime)
        case .endTime: return Self.date(event.invocation.endTime)
        case .timeout: return Self.number(event.invocation.timeout)
        case .instanceCount: return .number(Double(event.invocation.instanceCount))
        case .failedInstances: return event.invocation.failedInstances == nil ? .missing : .bool(true)
        case .failedInstanceCount: return Self.number(event.invocation.failedInstances?.count)
        case .invocationDuration: return Self.duration(event.invocation.startTime, event.invocation.endTime)
        case .task: return event.task == nil ? .missing : .bool(true)
        case .exitCode: return Self.number(event.task?.exitCode)
        case .dropped: return Self.number(event.task?.dropped)
        case .output: return event.task?.output == nil ? .missing : .bool(true)
        case .omittedBytes: return Self.number(event.task?.output?.omittedBytes)
        case .taskStartTime: return Self.date(event.task?.startTime)
        case .taskEndTime: return Self.date(event.task?.endTime)
        case .taskDuration: return Self.duration(event.task?.startTime, event.task?.endTime)
        case .stuck: return event.stuck == nil ? .missing : .bool(true)
        case .stuckSince: return Self.date(event.stuck?.since)
        case .stuckSeconds: return Self.number(event.stuck?.seconds)
        case .stuckLimit: return Self.number(event.stuck?.limitSeconds)
        case .taskCount(let status): return .number(Double(event.invocation.taskCounts[status] ?? 0))
        default: return string(event).map(FieldValue.string) ?? .missing
        }
    }

    /// The field's value as text (``FieldValue/text``), read directly for string fields.
    package func text(_ event: Event) -> String? {
        switch key {
        case .id, .region, .account, .previousStatus, .status, .type, .invocationId, .commandId, .commandName,
            .description,
            .instanceKind, .source, .username, .invocationStatus, .taskId, .instanceId, .taskStatus, .errorInfo,
            .outputText:
            return string(event)
        default: return read(event).text
        }
    }

    /// The value of a string field; `nil` for absent values and for fields that are not strings.
    private func string(_ event: Event) -> String? {
        switch key {
        case .id: event.id
        case .type: event.type.rawValue
        case .region: event.region
        case .account: event.account
        case .previousStatus: event.previousStatus?.rawValue
        case .status: event.status.rawValue
        case .invocationId: event.invocation.id
        case .commandId: event.invocation.commandId
        case .commandName: event.invocation.commandName
        case .description: event.invocation.description
        case .instanceKind: event.invocation.instanceKind
        case .source: event.invocation.source
        case .username: event.invocation.username
        case .invocationStatus: event.invocation.status.rawValue
        case .taskId: event.task?.id
        case .instanceId: event.task?.instanceId
        case .taskStatus: event.task?.status.rawValue
        case .errorInfo: event.task?.errorInfo
        case .outputText: event.task?.output?.text
        default: nil
        }
    }

    private static func number(_ value: Int?) -> FieldValue { value.map { .number(Double($0)) } ?? .missing }
    private static func number(_ value: Double?) -> FieldValue { value.map(FieldValue.number) ?? .missing }
    private static func date(_ value: Date?) -> FieldValue {
        value.map { .string($0.formatted(.iso8601)) } ?? .missing
    }
    private static func duration(_ start: Date?, _ end: Date?) -> FieldValue {
        guard let start, let end else { return .missing }
        return .number(end.timeIntervalSince(start))
    }

    private static let table: [String: Key] = [
        "version": .version, "id": .id, "type": .type, "region": .region, "account": .account,
        "detectedAt": .detectedAt,
        "previousStatus": .previousStatus, "status": .status, "isFailure": .isFailure, "isTerminal": .isTerminal,
        "invocation": .invocation, "invocation.id": .invocationId, "invocation.commandId": .commandId,
        "invocation.commandName": .commandName, "invocation.description": .description,
        "invocation.instanceKind": .instanceKind, "invocation.source": .source, "invocation.username": .username,
        "invocation.createdTime": .createdTime, "invocation.startTime": .startTime,
        "invocation.endTime": .endTime, "invocation.timeout": .timeout, "invocation.status": .invocationStatus,
        "invocation.instanceCount": .instanceCount, "invocation.failedInstances": .failedInstances,
        "invocation.failedInstanceCount": .failedInstanceCount, "invocation.durationSeconds": .invocationDuration,
        "task": .task, "task.id": .taskId, "task.instanceId": .instanceId, "task.status": .taskStatus,
        "task.exitCode": .exitCode, "task.errorInfo": .errorInfo, "task.dropped": .dropped, "task.output": .output,
        "task.output.text": .outputText, "task.output.omittedBytes": .omittedBytes,
        "task.startTime": .taskStartTime, "task.endTime": .taskEndTime, "task.durationSeconds": .taskDuration,
        "stuck": .stuck, "stuck.since": .stuckSince, "stuck.seconds": .stuckSeconds,
        "stuck.limitSeconds": .stuckLimit,
    ]
}

/// How statuses are classed for recovery, `isFailure` and the default templates: the one status
/// table (``InvocationStatus`` and ``TaskStatus``) read through the event's typed ``EventStatus``.
package enum StatusClass {
    /// Whether the event reports a failed, timed-out or (for stuck events) stuck state.
    package static func isFailure(_ event: Event) -> Bool {
        event.type == .invocationStuck || event.type == .taskStuck || event.status.isFailure
    }

    /// Whether the event's status is final.
    package static func isTerminal(_ event: Event) -> Bool { event.status.isTerminal }

    /// Whether the event reports success (what clears a recorded failure).
    package static func isSuccess(_ event: Event) -> Bool {
        (event.type == .invocationStatusChanged || event.type == .taskStatusChanged) && event.status.isSuccess
    }
}
