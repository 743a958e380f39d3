import Events
import Foundation
import Testing

@Suite("Differ: status tables")
struct DifferStatusTableTests {
    let differ = Differ(stuckPolicy: .disabled)
    let later = Fixture.t0.addingTimeInterval(30)

    @Test(
        "every previous → current invocation status",
        arguments: Fixture.allInvocationStatuses, Fixture.allInvocationStatuses)
    func invocationTransition(previous: InvocationStatus, current: InvocationStatus) throws {
        let before = Fixture.invocation(previous, tasks: [Fixture.task(1, .running)])
        let after = Fixture.invocation(current, tasks: [Fixture.task(1, .running)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        if previous == current {
            #expect(diff.isEmpty)
            return
        }
        let event = try #require(diff.events.only)
        #expect(event.type == .invocationStatusChanged)
        #expect(event.previousStatus?.rawValue == previous.rawValue)
        #expect(event.status.rawValue == current.rawValue)
        #expect(event.invocation.taskCounts == ["RUNNING": 1])
        #expect(event.invocation.instanceCount == 1)
        #expect((event.invocation.failedInstances != nil) == current.isTerminal)
        let upsert = try #require(diff.upserts.only)
        #expect(upsert.status == current)
        #expect(upsert.statusSince == later)
        #expect(upsert.tasks.first?.statusSince == Fixture.t0)
    }

    @Test("every previous → current task status", arguments: Fixture.allTaskStatuses, Fixture.allTaskStatuses)
    func taskTransition(previous: TaskStatus, current: TaskStatus) throws {
        let before = Fixture.invocation(.running, tasks: [Fixture.task(1, previous), Fixture.task(2, .running)])
        let after = Fixture.invocation(.running, tasks: [Fixture.task(1, current), Fixture.task(2, .running)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        if previous == current {
            #expect(diff.isEmpty)
            return
        }
        let event = try #require(diff.events.only)
        #expect(event.type == .taskStatusChanged)
        #expect(event.previousStatus?.rawValue == previous.rawValue)
        #expect(event.status.rawValue == current.rawValue)
        #expect(event.task?.id == "invt-0001")
        #expect(event.task?.instanceId == "ins-0001")
        #expect(event.invocation.status == "RUNNING")
        let upsert = try #require(diff.upserts.only)
        #expect(upsert.statusSince == Fixture.t0, "the invocation's status did not change")
        #expect(upsert.tasks.map(\.statusSince) == [later, Fixture.t0])
    }

    @Test("unknown statuses are carried through upper-cased and treated as non-terminal")
    func unknownStatus() throws {
        let before = Fixture.invocation(.running, tasks: [Fixture.task(1, .running)])
        let after = Fixture.invocation(
            InvocationStatus(rawValue: "Hibernating"), tasks: [Fixture.task(1, TaskStatus(rawValue: "frozen"))])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        #expect(diff.events.map(\.status) == ["HIBERNATING", "FROZEN"])
        #expect(diff.events.first?.invocation.failedInstances == nil)
        #expect(diff.upserts.first?.status.isTerminal == false)
    }

    @Test("a missed intermediate status is one event (PENDING → SUCCESS)")
    func missedIntermediate() throws {
        let before = Fixture.invocation(.pending, tasks: [Fixture.task(1, .pending)])
        let after = Fixture.invocation(.success, tasks: [Fixture.task(1, .success)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        #expect(diff.events.map(\.type) == [.invocationStatusChanged, .taskStatusChanged])
        #expect(diff.events.map(\.previousStatus) == ["PENDING", "PENDING"])
        #expect(diff.events.map(\.status) == ["SUCCESS", "SUCCESS"])
        #expect(diff.events.first?.invocation.failedInstances == [])
    }

    @Test("terminal failure lists every instance that did not succeed, sorted by task id")
    func failedInstances() throws {
        let before = Fixture.invocation(
            .running, tasks: [Fixture.task(3, .running), Fixture.task(1, .running), Fixture.task(2, .running)])
        let after = Fixture.invocation(
            .partialFailed, tasks: [Fixture.task(3, .failed), Fixture.task(1, .success), Fixture.task(2, .taskTimeout)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        let event = try #require(diff.events.first)
        #expect(
            event.invocation.failedInstances == [
                InstanceOutcome(instanceId: "ins-0002", taskId: "invt-0002", status: "TASK_TIMEOUT"),
                InstanceOutcome(instanceId: "ins-0003", taskId: "invt-0003", status: "FAILED"),
            ])
        #expect(event.invocation.taskCounts == ["SUCCESS": 1, "FAILED": 1, "TASK_TIMEOUT": 1])
        #expect(diff.taskIdsNeedingDetails == ["invt-0002", "invt-0003"])
    }
}

extension Array {
    /// The single element, nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
