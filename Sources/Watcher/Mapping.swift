import Events
import Foundation
import TencentCloud

/// Maps TAT models into the differ's observation types.
enum Mapping {
    /// The observation of `invocation`, tasks sorted by id; nil when it lacks an id or a status, or
    /// a task lacks its id or status (a malformed record: quarantined, see ``problem(_:)``).
    static func observation(_ invocation: Invocation) -> ObservedInvocation? {
        guard let id = invocation.invocationId, !id.isEmpty, let status = invocation.invocationStatus,
            !status.isEmpty
        else { return nil }
        var tasks: [ObservedTask] = []
        tasks.reserveCapacity(invocation.invocationTaskBasicInfoSet?.count ?? 0)
        for task in invocation.invocationTaskBasicInfoSet ?? [] {
            guard let taskId = task.invocationTaskId, !taskId.isEmpty, let taskStatus = task.taskStatus else {
                return nil
            }
            tasks.append(
                ObservedTask(id: taskId, instanceId: task.instanceId ?? "", status: TaskStatus(rawValue: taskStatus)))
        }
        tasks.sort { $0.id < $1.id }
        return ObservedInvocation(
            id: id, status: InvocationStatus(rawValue: status),
            metadata: InvocationMetadata(
                commandId: invocation.commandId, commandName: invocation.commandName,
                description: invocation.description, instanceKind: invocation.instanceKind,
                source: invocation.invocationSource?.uppercased(), username: invocation.username,
                createdTime: invocation.createdTime, startTime: invocation.startTime, endTime: invocation.endTime,
                timeout: invocation.timeout
            ),
            tasks: tasks
        )
    }

    /// What makes `invocation` malformed, for the quarantine log line.
    static func problem(_ invocation: Invocation) -> String {
        if invocation.invocationId?.isEmpty ?? true { return "no InvocationId" }
        if invocation.invocationStatus?.isEmpty ?? true { return "no InvocationStatus" }
        for task in invocation.invocationTaskBasicInfoSet ?? [] {
            if task.invocationTaskId?.isEmpty ?? true { return "a task without InvocationTaskId" }
            if task.taskStatus == nil { return "task \(task.invocationTaskId ?? "") without TaskStatus" }
        }
        return "unreadable"
    }

    /// The details of a task that ended badly, with the output tail bounded to `tailLimit` bytes.
    static func details(_ task: InvocationTask, tailLimit: Int) -> TaskDetails {
        let output = task.taskResult?.decodedOutputBytes.map { OutputTail(decodedOutput: $0, limit: tailLimit) }
        let errorInfo = task.errorInfo.flatMap { $0.isEmpty ? nil : $0 }
        return TaskDetails(
            exitCode: task.taskResult?.exitCode, errorInfo: errorInfo, dropped: task.taskResult?.dropped,
            output: output, startTime: task.startTime, endTime: task.endTime)
    }
}
