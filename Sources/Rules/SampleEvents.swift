import Events
import Foundation

/// One event of each type, for checking templates at load time and for `tattle test-rule` demos.
public enum SampleEvents {
    /// Events of every type: invocation failed, task failed with output, invocation stuck, task
    /// stuck, invocation succeeded.
    public static let all: [Event] = [invocationFailed, taskFailed, invocationStuck, taskStuck, invocationSucceeded]

    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static let invocation = InvocationInfo(
        id: "inv-sample01", status: "FAILED",
        metadata: InvocationMetadata(
            commandId: "cmd-sample01", commandName: "deploy-web", description: "Roll out web tier",
            instanceKind: "CVM", source: "USER", username: "root", createdTime: start, startTime: start,
            endTime: start.addingTimeInterval(42), timeout: 60
        ),
        taskCounts: ["SUCCESS": 8, "FAILED": 2], instanceCount: 10,
        failedInstances: [
            InstanceOutcome(instanceId: "ins-aaaa1111", taskId: "invt-aaaa1111", status: "FAILED", exitCode: 1),
            InstanceOutcome(instanceId: "ins-bbbb2222", taskId: "invt-bbbb2222", status: "TIMEOUT", exitCode: nil),
        ]
    )

    public static let invocationFailed = Event(
        id: "evt_sample_invocation_failed", type: .invocationStatusChanged, region: "ap-guangzhou",
        detectedAt: start.addingTimeInterval(45), previousStatus: "RUNNING", status: "FAILED", invocation: invocation
    )

    public static let taskFailed = Event(
        id: "evt_sample_task_failed", type: .taskStatusChanged, region: "ap-guangzhou",
        detectedAt: start.addingTimeInterval(45),
        previousStatus: "RUNNING", status: "FAILED", invocation: invocation,
        task: TaskInfo(
            id: "invt-aaaa1111", instanceId: "ins-aaaa1111", status: "FAILED",
            details: TaskDetails(
                exitCode: 1, errorInfo: "process exited with code 1", dropped: 0,
                output: OutputTail(text: "pulling image…\nerror: connection refused\n", omittedBytes: 0),
                startTime: start, endTime: start.addingTimeInterval(40)
            )
        )
    )

    public static let invocationStuck = Event(
        id: "evt_sample_invocation_stuck", type: .invocationStuck, region: "ap-guangzhou",
        detectedAt: start.addingTimeInterval(900), previousStatus: "RUNNING", status: "RUNNING",
        invocation: InvocationInfo(
            id: "inv-sample02", status: "RUNNING",
            metadata: InvocationMetadata(
                commandId: "cmd-sample02", commandName: "backup-mysql", instanceKind: "CVM", source: "INVOKER",
                createdTime: start, startTime: start, timeout: 600
            ),
            taskCounts: ["RUNNING": 1], instanceCount: 1
        ),
        stuck: StuckInfo(since: start, seconds: 900, limitSeconds: 660)
    )

    public static let taskStuck = Event(
        id: "evt_sample_task_stuck", type: .taskStuck, region: "ap-shanghai", detectedAt: start.addingTimeInterval(600),
        previousStatus: "DELIVER_DELAYED", status: "DELIVER_DELAYED",
        invocation: InvocationInfo(
            id: "inv-sample03", status: "RUNNING",
            metadata: InvocationMetadata(commandId: "cmd-sample03", commandName: "rotate-logs"),
            taskCounts: ["DELIVER_DELAYED": 1], instanceCount: 1
        ),
        task: TaskInfo(id: "invt-cccc3333", instanceId: "ins-cccc3333", status: "DELIVER_DELAYED"),
        stuck: StuckInfo(since: start, seconds: 600, limitSeconds: 300)
    )

    public static let invocationSucceeded = Event(
        id: "evt_sample_invocation_succeeded", type: .invocationStatusChanged, region: "ap-guangzhou",
        detectedAt: start.addingTimeInterval(3600), previousStatus: "RUNNING", status: "SUCCESS",
        invocation: InvocationInfo(
            id: "inv-sample04", status: "SUCCESS",
            metadata: InvocationMetadata(
                commandId: "cmd-sample01", commandName: "deploy-web", createdTime: start, startTime: start,
                endTime: start.addingTimeInterval(30), timeout: 60
            ),
            taskCounts: ["SUCCESS": 10], instanceCount: 10, failedInstances: []
        )
    )
}
