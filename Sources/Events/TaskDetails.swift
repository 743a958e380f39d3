import Foundation

/// What `DescribeInvocationTasks` adds about a task that ended badly: the watcher maps it once from
/// the API record, ``Diff/enrich(with:)`` merges it into events, and ``TaskInfo/details`` carries it.
public struct TaskDetails: Codable, Sendable, Hashable {
    /// The command's exit code.
    public var exitCode: Int?
    /// TAT's error message.
    public var errorInfo: String?
    /// Output bytes TAT itself dropped (its output limit is 24 KB).
    public var dropped: Int?
    /// The last part of the decoded output, UTF-8 safe and bounded.
    public var output: OutputTail?
    public var startTime: Date?
    public var endTime: Date?

    /// Creates details; everything defaults to nil.
    public init(
        exitCode: Int? = nil, errorInfo: String? = nil, dropped: Int? = nil, output: OutputTail? = nil,
        startTime: Date? = nil, endTime: Date? = nil
    ) {
        self.exitCode = exitCode
        self.errorInfo = errorInfo
        self.dropped = dropped
        self.output = output
        self.startTime = startTime
        self.endTime = endTime
    }

    /// Takes every field `newer` has, keeping this one's where `newer` has none.
    public mutating func update(with newer: TaskDetails) {
        exitCode = newer.exitCode ?? exitCode
        errorInfo = newer.errorInfo ?? errorInfo
        dropped = newer.dropped ?? dropped
        output = newer.output ?? output
        startTime = newer.startTime ?? startTime
        endTime = newer.endTime ?? endTime
    }
}

extension Diff {
    /// The task ids whose details are worth fetching, sorted and unique: tasks of
    /// `task.status_changed` events whose status ``TaskStatus/needsDetails``, and the failed
    /// instances of terminal `invocation.status_changed` events with such a status.
    public var taskIdsNeedingDetails: [String] {
        var ids = Set<String>()
        for event in events where event.type == .taskStatusChanged {
            if let task = event.task, task.status.needsDetails { ids.insert(task.id) }
        }
        for event in events where event.type == .invocationStatusChanged {
            for outcome in event.invocation.failedInstances ?? []
            where outcome.status.needsDetails {
                ids.insert(outcome.taskId)
            }
        }
        return ids.sorted()
    }

    /// Fills exit code, error, dropped bytes, output tail and times of task events, and the exit codes,
    /// errors and (for the first ``InstanceOutcome/detailedCount``) output tails of failed instances,
    /// from `details` keyed by task id. Event ids do not change.
    public mutating func enrich(with details: [String: TaskDetails]) {
        guard !details.isEmpty else { return }
        for index in events.indices {
            if events[index].type == .taskStatusChanged, let id = events[index].task?.id, let found = details[id] {
                events[index].task?.details.update(with: found)
            }
            if var failed = events[index].invocation.failedInstances {
                for slot in failed.indices {
                    guard let found = details[failed[slot].taskId] else { continue }
                    if let code = found.exitCode { failed[slot].exitCode = code }
                    if let error = found.errorInfo, !error.isEmpty { failed[slot].errorInfo = error }
                    if slot < InstanceOutcome.detailedCount, let output = found.output, !output.text.isEmpty {
                        failed[slot].output = output
                    }
                }
                events[index].invocation.failedInstances = failed
            }
        }
    }
}
