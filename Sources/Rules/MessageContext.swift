import Events
import Foundation
import Mustache

/// What templates see: the first event's fields at the top level plus conveniences, and `events`
/// for groups. Values are computed on lookup (no dictionary is built per message). The variable
/// set is documented in `docs/rules.md` and mirrored by ``TemplateSchema``.
struct MessageContext: MustacheParent {
    let events: [Event]
    let isRecovery: Bool
    let rule: String
    let receiver: String

    private var first: EventContext { EventContext(event: events[0], isRecovery: isRecovery) }

    func child(named name: String) -> Any? {
        switch name {
        case "events": return events.map { EventContext(event: $0, isRecovery: isRecovery) }
        case "count": return events.count
        case "moreCount": return events.count - 1
        case "isGroup": return events.count > 1
        case "rule": return rule
        case "receiver": return receiver
        case "title": return Headline.title(events: events, isRecovery: isRecovery)
        case "failedCount": return events.reduce(0) { $0 + EventContext.failedCount($1) }
        case "hasFailures": return events.contains { EventContext.failedCount($0) > 0 }
        default: return first.child(named: name)
        }
    }
}

/// A message context with the rendered text body added (for `bodyTemplate` and `html`).
struct BodyContext: MustacheParent {
    let base: MessageContext
    let body: String

    func child(named name: String) -> Any? { name == "body" ? body : base.child(named: name) }
}

/// One event as templates see it.
struct EventContext: MustacheParent {
    let event: Event
    let isRecovery: Bool

    func child(named name: String) -> Any? {
        // Known but absent values are NSNull, which renders empty without Mustache climbing to an
        // outer context (a group's first event) for the same name.
        if let value = lookup(name) { return value }
        return TemplateSchema.event[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "id": return event.id
        case "version": return event.version
        case "type": return event.type.rawValue
        case "region": return event.region
        case "detectedAt": return Format.date(event.detectedAt)
        case "previousStatus": return event.previousStatus
        case "status": return event.status
        case "statusTransition": return event.previousStatus.map { "\($0) → \(event.status)" } ?? event.status
        case "invocation": return InvocationContext(invocation: event.invocation)
        case "task": return event.task.map(TaskContext.init)
        case "stuck": return event.stuck.map(StuckContext.init)
        case "commandName": return Headline.commandName(event)
        case "title": return Headline.title(events: [event], isRecovery: isRecovery)
        case "statusEmoji": return Headline.emoji(event, isRecovery: isRecovery)
        case "isRecovery": return isRecovery
        case "isFailure": return StatusClass.isFailure(event)
        case "isStuck": return event.stuck != nil
        case "isTask": return event.type.isTaskLevel
        case "instances": return Self.instances(event)
        case "failedCount": return Self.failedCount(event)
        case "hasFailures": return Self.failedCount(event) > 0
        case "exitCode": return event.task?.exitCode
        case "errorInfo": return event.task?.errorInfo.flatMap { $0.isEmpty ? nil : $0 }
        case "instanceId": return event.task?.instanceId
        case "outputTail": return Self.outputTail(event)
        case "outputOmittedBytes": return event.task?.output.flatMap { $0.omittedBytes > 0 ? $0.omittedBytes : nil }
        case "console": return Headline.consoleURL(event)
        default: return nil
        }
    }

    /// The output tail without trailing line breaks, or `nil` when empty.
    static func outputTail(_ event: Event) -> String? {
        guard var text = event.task?.output?.text else { return nil }
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        return text.isEmpty ? nil : text
    }

    /// The instances worth listing: the task of a task event, or the invocation's failed instances.
    static func instances(_ event: Event) -> [InstanceContext] {
        if let task = event.task {
            return [
                InstanceContext(
                    instanceId: task.instanceId, taskId: task.id, status: task.status, exitCode: task.exitCode,
                    errorInfo: task.errorInfo)
            ]
        }
        return (event.invocation.failedInstances ?? []).map {
            InstanceContext(
                instanceId: $0.instanceId, taskId: $0.taskId, status: $0.status, exitCode: $0.exitCode, errorInfo: nil)
        }
    }

    /// Instances that did not succeed: the failed list, or the non-SUCCESS task counts, or 1 for a failed task.
    static func failedCount(_ event: Event) -> Int {
        if event.type.isTaskLevel { return StatusClass.isFailure(event) ? 1 : 0 }
        if let failed = event.invocation.failedInstances { return failed.count }
        return event.invocation.taskCounts.reduce(0) { total, entry in
            ["FAILED", "TIMEOUT", "TASK_TIMEOUT", "START_FAILED", "DELIVER_FAILED", "CANCELLED", "TERMINATED"].contains(
                entry.key)
                ? total + entry.value : total
        }
    }
}

/// One instance in `instances`.
struct InstanceContext: MustacheParent {
    let instanceId: String
    let taskId: String
    let status: String
    let exitCode: Int?
    let errorInfo: String?

    func child(named name: String) -> Any? {
        if let value = lookup(name) { return value }
        return TemplateSchema.instance[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "instanceId": instanceId
        case "taskId": taskId
        case "status": status
        case "exitCode": exitCode
        case "errorInfo": errorInfo.flatMap { $0.isEmpty ? nil : $0 }
        default: nil
        }
    }
}

struct InvocationContext: MustacheParent {
    let invocation: InvocationInfo

    func child(named name: String) -> Any? {
        if let value = lookup(name) { return value }
        return TemplateSchema.invocation[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "id": invocation.id
        case "commandId": invocation.commandId
        case "commandName": invocation.commandName
        case "description": invocation.description.flatMap { $0.isEmpty ? nil : $0 }
        case "instanceKind": invocation.instanceKind
        case "source": invocation.source
        case "username": invocation.username
        case "createdTime": invocation.createdTime.map(Format.date)
        case "startTime": invocation.startTime.map(Format.date)
        case "endTime": invocation.endTime.map(Format.date)
        case "timeout": invocation.timeout
        case "status": invocation.status
        case "taskCounts": invocation.taskCounts
        case "instanceCount": invocation.instanceCount
        case "failedInstances":
            invocation.failedInstances.map { list in
                list.map {
                    InstanceContext(
                        instanceId: $0.instanceId, taskId: $0.taskId, status: $0.status, exitCode: $0.exitCode,
                        errorInfo: nil)
                }
            }
        case "durationSeconds": Format.seconds(invocation.startTime, invocation.endTime)
        default: nil
        }
    }
}

struct TaskContext: MustacheParent {
    let task: TaskInfo

    func child(named name: String) -> Any? {
        if let value = lookup(name) { return value }
        return TemplateSchema.task[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "id": task.id
        case "instanceId": task.instanceId
        case "status": task.status
        case "exitCode": task.exitCode
        case "errorInfo": task.errorInfo.flatMap { $0.isEmpty ? nil : $0 }
        case "dropped": task.dropped
        case "output": task.output.map { ["text": $0.text, "omittedBytes": $0.omittedBytes] as [String: Any] }
        case "startTime": task.startTime.map(Format.date)
        case "endTime": task.endTime.map(Format.date)
        case "durationSeconds": Format.seconds(task.startTime, task.endTime)
        default: nil
        }
    }
}

struct StuckContext: MustacheParent {
    let stuck: StuckInfo

    func child(named name: String) -> Any? {
        if let value = lookup(name) { return value }
        return TemplateSchema.stuck[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "since": Format.date(stuck.since)
        case "seconds": Int(stuck.seconds.rounded())
        case "limitSeconds": Int(stuck.limitSeconds.rounded())
        case "duration": DurationText.format(stuck.seconds)
        case "limit": DurationText.format(stuck.limitSeconds)
        default: nil
        }
    }
}

/// Value formatting shared by templates and payloads.
enum Format {
    static func date(_ date: Date) -> String { date.formatted(.iso8601) }

    static func seconds(_ start: Date?, _ end: Date?) -> Int? {
        guard let start, let end else { return nil }
        return Int(end.timeIntervalSince(start).rounded())
    }
}
