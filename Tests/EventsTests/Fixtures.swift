import Events
import Foundation

/// Small builders shared by the differ tests.
enum Fixture {
    static let region = "ap-guangzhou"
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func task(_ n: Int, _ status: TaskStatus) -> ObservedTask {
        ObservedTask(id: String(format: "invt-%04d", n), instanceId: String(format: "ins-%04d", n), status: status)
    }

    static func invocation(
        _ status: InvocationStatus, tasks: [ObservedTask] = [], created: Date = t0, timeout: Int? = 60
    ) -> ObservedInvocation {
        invocation("inv-0001", status, tasks: tasks, created: created, timeout: timeout)
    }

    static func invocation(
        _ id: String, _ status: InvocationStatus, tasks: [ObservedTask] = [],
        created: Date = t0, timeout: Int? = 60
    ) -> ObservedInvocation {
        ObservedInvocation(
            id: id, status: status,
            metadata: InvocationMetadata(
                commandId: "cmd-1", commandName: "deploy", instanceKind: "CVM", source: "USER", createdTime: created,
                timeout: timeout
            ),
            tasks: tasks
        )
    }

    /// The state the differ would have recorded for `observation` first seen at `at`.
    static func state(_ observation: ObservedInvocation, at: Date = t0) -> InvocationState {
        InvocationState(
            id: observation.id, status: observation.status, statusSince: at, timeout: observation.timeout,
            createdTime: observation.createdTime,
            tasks: observation.tasks.sorted { $0.id < $1.id }.map {
                TaskState(id: $0.id, instanceId: $0.instanceId, status: $0.status, statusSince: at)
            })
    }

    static func snapshot(_ observations: ObservedInvocation..., at: Date = t0) -> [String: InvocationState] {
        Dictionary(uniqueKeysWithValues: observations.map { ($0.id, state($0, at: at)) })
    }

    static let allInvocationStatuses: [InvocationStatus] =
        InvocationStatus.known + [InvocationStatus(rawValue: "NEW_THING")]
    static let allTaskStatuses: [TaskStatus] = TaskStatus.known + [TaskStatus(rawValue: "quarantined")]
}
