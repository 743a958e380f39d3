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
    /// How output and error text are neutralised and how much of them is shown.
    var presentation = Presentation(markup: .plain)

    private var first: EventContext {
        EventContext(event: events[0], isRecovery: isRecovery, presentation: presentation)
    }

    func child(named name: String) -> Any? {
        switch name {
        case "events":
            return events.map { EventContext(event: $0, isRecovery: isRecovery, presentation: presentation) }
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
    var presentation = Presentation(markup: .plain)

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
        case "account": return event.account
        case "detectedAt": return Format.date(event.detectedAt)
        case "previousStatus": return event.previousStatus?.rawValue
        case "status": return event.status.rawValue
        case "statusTransition": return event.previousStatus.map { "\($0) → \(event.status)" } ?? event.status.rawValue
        case "invocation": return InvocationContext(invocation: event.invocation, presentation: presentation)
        case "task": return event.task.map { TaskContext(task: $0, presentation: presentation) }
        case "stuck": return event.stuck.map(StuckContext.init)
        case "commandName": return Headline.commandName(event)
        case "title": return Headline.title(events: [event], isRecovery: isRecovery)
        case "statusEmoji": return Headline.emoji(event, isRecovery: isRecovery)
        case "isRecovery": return isRecovery
        case "isFailure": return StatusClass.isFailure(event)
        case "isStuck": return event.stuck != nil
        case "isTask": return event.type.isTaskLevel
        case "instances": return Self.instances(event, presentation)
        case "detailedInstances":
            return Array(Self.instances(event, presentation).prefix(Presentation.detailedInstances))
        case "moreInstances": return Self.moreInstances(event, presentation)
        case "failedCount": return Self.failedCount(event)
        case "hasFailures": return Self.failedCount(event) > 0
        case "exitCode": return event.task?.exitCode
        case "errorInfo": return presentation.error(event.task?.errorInfo)
        case "instanceId": return event.task?.instanceId
        case "outputTail": return event.task?.output.flatMap(presentation.show)?.text
        case "outputOmittedBytes":
            return event.task?.output.flatMap(presentation.show).flatMap { $0.omittedBytes > 0 ? $0.omittedBytes : nil }
        case "console": return Headline.consoleURL(event)
        default: return nil
        }
    }

    /// The instances worth listing: the task of a task event (its output is the event's own
    /// `outputTail`), or the invocation's failed instances with their error and output tail.
    static func instances(_ event: Event, _ presentation: Presentation) -> [InstanceContext] {
        if let task = event.task {
            return [
                InstanceContext(
                    instanceId: task.instanceId, taskId: task.id, status: task.status.rawValue, exitCode: task.exitCode,
                    errorInfo: presentation.error(task.errorInfo))
            ]
        }
        return (event.invocation.failedInstances ?? []).map { InstanceContext($0, presentation) }
    }

    /// The failed instances beyond the first ``Presentation/detailedInstances``: their count and
    /// ids (as many as the presentation lists), or `nil` when there are none.
    static func moreInstances(_ event: Event, _ presentation: Presentation) -> MoreInstancesContext? {
        guard event.task == nil, let failed = event.invocation.failedInstances,
            failed.count > Presentation.detailedInstances
        else { return nil }
        let rest = failed.dropFirst(Presentation.detailedInstances).map(\.instanceId)
        let ids = presentation.moreList(rest)
        return MoreInstancesContext(count: rest.count, ids: ids.isEmpty ? nil : ids)
    }

    /// Instances that did not succeed: the failed list, or the non-SUCCESS task counts, or 1 for a failed task.
    static func failedCount(_ event: Event) -> Int {
        if event.type.isTaskLevel { return StatusClass.isFailure(event) ? 1 : 0 }
        if let failed = event.invocation.failedInstances { return failed.count }
        return event.invocation.taskCounts.reduce(0) { total, entry in
            // FAILED, TIMEOUT, TASK_TIMEOUT, START_FAILED, DELIVER_FAILED, CANCELLED and TERMINATED.
            entry.key.isFailure || entry.key == .cancelled || entry.key == .terminated ? total + entry.value : total
        }
    }
}

/// `moreInstances`: the failed instances not listed with details.
struct MoreInstancesContext: MustacheParent {
    /// How many there are (always shown).
    let count: Int
    /// Their ids, comma-separated, as many as fit (`…` when cut); `nil` when none fit.
    let ids: String?

    func child(named name: String) -> Any? {
        switch name {
        case "count": count
        case "ids": ids ?? NSNull()
        default: nil
        }
    }
}

/// One instance in `instances`.
struct InstanceContext: MustacheParent {
    let instanceId: String
    let taskId: String
    let status: String
    let exitCode: Int?
    /// Already cut and neutralised by the presentation.
    let errorInfo: String?
    /// The output tail as presented (cut, neutralised), for failed instances of an invocation.
    var outputTail: String? = nil
    var outputOmittedBytes: Int? = nil

    init(instanceId: String, taskId: String, status: String, exitCode: Int?, errorInfo: String?) {
        self.instanceId = instanceId
        self.taskId = taskId
        self.status = status
        self.exitCode = exitCode
        self.errorInfo = errorInfo
    }

    init(_ outcome: InstanceOutcome, _ presentation: Presentation) {
        self.init(
            instanceId: outcome.instanceId, taskId: outcome.taskId, status: outcome.status.rawValue,
            exitCode: outcome.exitCode, errorInfo: presentation.error(outcome.errorInfo))
        if let shown = outcome.output.flatMap(presentation.show) {
            outputTail = shown.text
            outputOmittedBytes = shown.omittedBytes > 0 ? shown.omittedBytes : nil
        }
    }

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
        case "outputTail": outputTail
        case "outputOmittedBytes": outputOmittedBytes
        default: nil
        }
    }
}

struct InvocationContext: MustacheParent {
    let invocation: InvocationInfo
    var presentation = Presentation(markup: .plain)

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
        case "status": invocation.status.rawValue
        case "taskCounts": Dictionary(uniqueKeysWithValues: invocation.taskCounts.map { ($0.key.rawValue, $0.value) })
        case "instanceCount": invocation.instanceCount
        case "failedInstances":
            invocation.failedInstances.map { list in list.map { InstanceContext($0, presentation) } }
        case "durationSeconds": Format.seconds(invocation.startTime, invocation.endTime)
        default: nil
        }
    }
}

struct TaskContext: MustacheParent {
    let task: TaskInfo
    var presentation = Presentation(markup: .plain)

    func child(named name: String) -> Any? {
        if let value = lookup(name) { return value }
        return TemplateSchema.task[name] != nil ? NSNull() : nil
    }

    private func lookup(_ name: String) -> Any? {
        switch name {
        case "id": task.id
        case "instanceId": task.instanceId
        case "status": task.status.rawValue
        case "exitCode": task.exitCode
        case "errorInfo": presentation.error(task.errorInfo)
        case "dropped": task.dropped
        case "output":
            task.output.map {
                ["text": presentation.markup.neutralise($0.text), "omittedBytes": $0.omittedBytes] as [String: Any]
            }
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
