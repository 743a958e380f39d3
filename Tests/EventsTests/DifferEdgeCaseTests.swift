import Events
import Foundation
import Testing

@Suite("Differ: edge cases")
struct DifferEdgeCaseTests {
    let differ = Differ(stuckPolicy: .disabled)
    let later = Fixture.t0.addingTimeInterval(30)

    @Test(
        "an invocation first seen emits with previousStatus nil, even when terminal",
        arguments: [
            InvocationStatus.pending, .running, .success, .failed,
        ])
    func firstSeen(status: InvocationStatus) throws {
        let observed = Fixture.invocation(status, tasks: [Fixture.task(1, .pending), Fixture.task(2, .success)])
        let diff = differ.diff(previous: [:], observed: [observed], now: later, region: Fixture.region)
        let first = try #require(diff.events.first)
        #expect(first.type == .invocationStatusChanged)
        #expect(first.previousStatus == nil)
        #expect(first.status.rawValue == status.rawValue)
        // The PENDING task is first-seen noise; the SUCCESS one is reported.
        #expect(diff.events.dropFirst().map(\.task?.id) == ["invt-0002"])
        #expect(diff.events.dropFirst().map(\.previousStatus) == [nil])
        #expect(diff.upserts.map(\.id) == ["inv-0001"])
        #expect(diff.upserts.first?.statusSince == later)
    }

    @Test("tasks appearing later than their invocation: PENDING-first-seen emits nothing, others emit with nil")
    func tasksAppearLater() throws {
        let before = Fixture.invocation(.running, tasks: [Fixture.task(1, .running)])
        let after = Fixture.invocation(
            .running, tasks: [Fixture.task(1, .running), Fixture.task(2, .pending), Fixture.task(3, .delivering)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        #expect(diff.events.map(\.task?.id) == ["invt-0003"])
        #expect(diff.events.map(\.previousStatus) == [nil])
        #expect(diff.upserts.first?.tasks.map(\.id) == ["invt-0001", "invt-0002", "invt-0003"])
    }

    @Test("a task added in PENDING then moving on emits PENDING → status")
    func pendingTaskMovesOn() throws {
        var snapshot = Fixture.snapshot(Fixture.invocation(.running, tasks: [Fixture.task(1, .running)]))
        let withPending = Fixture.invocation(.running, tasks: [Fixture.task(1, .running), Fixture.task(2, .pending)])
        differ.diff(previous: snapshot, observed: [withPending], now: later, region: Fixture.region).apply(
            to: &snapshot)
        let moved = Fixture.invocation(.running, tasks: [Fixture.task(1, .running), Fixture.task(2, .running)])
        let diff = differ.diff(previous: snapshot, observed: [moved], now: later, region: Fixture.region)
        #expect(diff.events.map(\.previousStatus) == ["PENDING"])
    }

    @Test("vanished invocations are removed without an event, only within the removal scope")
    func removals() {
        let a = Fixture.invocation("inv-a", .success)
        let b = Fixture.invocation("inv-b", .success)
        let c = Fixture.invocation("inv-c", .running)
        let previous = Fixture.snapshot(a, b, c)
        let partial = differ.diff(
            previous: previous, observed: [c], removable: .none, now: later, region: Fixture.region)
        #expect(partial.isEmpty, "a partial poll is never read as vanished")
        let byIds = differ.diff(
            previous: previous, observed: [c], removable: .ids(["inv-a", "inv-c", "inv-zzz"]), now: later,
            region: Fixture.region)
        #expect(byIds.removals == ["inv-a"])
        #expect(byIds.events.isEmpty)
        let full = differ.diff(
            previous: previous, observed: [c], removable: .allUnobserved, now: later, region: Fixture.region)
        #expect(full.removals == ["inv-a", "inv-b"])
        #expect(full.events.isEmpty)
        var snapshot = previous
        full.apply(to: &snapshot)
        #expect(snapshot.keys.sorted() == ["inv-c"])
    }

    @Test("an unchanged invocation gives no upsert, even with its tasks in another order")
    func unchanged() {
        let tasks = (1...10).map { Fixture.task($0, .running) }
        let previous = Fixture.snapshot(Fixture.invocation(.running, tasks: tasks))
        let same = differ.diff(
            previous: previous, observed: [Fixture.invocation(.running, tasks: tasks)], now: later,
            region: Fixture.region)
        #expect(same.isEmpty)
        let shuffled = differ.diff(
            previous: previous, observed: [Fixture.invocation(.running, tasks: tasks.reversed())], now: later,
            region: Fixture.region)
        #expect(shuffled.isEmpty)
    }

    @Test("statusSince moves only with the status")
    func statusSince() throws {
        let before = Fixture.invocation(.running, tasks: [Fixture.task(1, .running), Fixture.task(2, .running)])
        let after = Fixture.invocation(.running, tasks: [Fixture.task(1, .success), Fixture.task(2, .running)])
        let diff = differ.diff(
            previous: Fixture.snapshot(before), observed: [after], now: later, region: Fixture.region)
        let state = try #require(diff.upserts.only)
        #expect(state.statusSince == Fixture.t0)
        #expect(state.tasks.map(\.statusSince) == [later, Fixture.t0])
    }

    @Test("events are ordered: invocations by created time then id; invocation event, then tasks by id")
    func ordering() {
        let old = Fixture.invocation(
            "inv-z", .success, tasks: [Fixture.task(9, .success), Fixture.task(2, .failed)],
            created: Fixture.t0.addingTimeInterval(-100))
        let newB = Fixture.invocation("inv-b", .running, tasks: [Fixture.task(5, .running)], created: Fixture.t0)
        let newA = Fixture.invocation("inv-a", .running, tasks: [Fixture.task(4, .running)], created: Fixture.t0)
        let diff = differ.diff(previous: [:], observed: [newB, old, newA], now: later, region: Fixture.region)
        #expect(
            diff.events.map { "\($0.invocation.id)/\($0.task?.id ?? "-")" } == [
                "inv-z/-", "inv-z/invt-0002", "inv-z/invt-0009", "inv-a/-", "inv-a/invt-0004", "inv-b/-",
                "inv-b/invt-0005",
            ])
    }

    @Test("event ids are deterministic and depend on the transition")
    func deterministicIds() throws {
        let before = Fixture.snapshot(Fixture.invocation(.running, tasks: [Fixture.task(1, .running)]))
        let after = Fixture.invocation(.failed, tasks: [Fixture.task(1, .failed)])
        let one = differ.diff(previous: before, observed: [after], now: later, region: Fixture.region)
        let two = differ.diff(
            previous: before, observed: [after], now: later.addingTimeInterval(99), region: Fixture.region)
        #expect(one.events.map(\.id) == two.events.map(\.id))
        #expect(
            one.events.first?.id
                == EventID.make(
                    type: .invocationStatusChanged, region: Fixture.region, invocationId: "inv-0001", taskId: nil,
                    previousStatus: "RUNNING", status: "FAILED"))
        let fromPending = Fixture.snapshot(Fixture.invocation(.pending, tasks: [Fixture.task(1, .pending)]))
        let three = differ.diff(previous: fromPending, observed: [after], now: later, region: Fixture.region)
        #expect(Set(three.events.map(\.id)).isDisjoint(with: one.events.map(\.id)))
        let elsewhere = differ.diff(previous: before, observed: [after], now: later, region: "ap-shanghai")
        #expect(Set(elsewhere.events.map(\.id)).isDisjoint(with: one.events.map(\.id)))
        #expect(Set(one.events.map(\.id)).count == one.events.count)
    }

    @Test("baseline records everything silently; backfill emits only for recent invocations")
    func baseline() {
        let old = Fixture.invocation("inv-old", .success, tasks: [Fixture.task(1, .success)], created: Fixture.t0)
        let recent = Fixture.invocation(
            "inv-new", .failed, tasks: [Fixture.task(2, .failed)], created: Fixture.t0.addingTimeInterval(600))
        let silent = differ.baseline(observed: [old, recent], now: later, region: Fixture.region)
        #expect(silent.events.isEmpty)
        #expect(silent.upserts.map(\.id) == ["inv-old", "inv-new"])
        let backfilled = differ.baseline(
            observed: [old, recent], backfillSince: Fixture.t0.addingTimeInterval(300), now: later,
            region: Fixture.region)
        #expect(backfilled.events.map(\.invocation.id) == ["inv-new", "inv-new"])
        #expect(backfilled.events.map(\.previousStatus) == [nil, nil])
        #expect(backfilled.upserts.count == 2)
    }

    @Test("enrichment fills task details and failed instances' exit codes without changing ids")
    func enrichment() throws {
        let before = Fixture.snapshot(
            Fixture.invocation(.running, tasks: [Fixture.task(1, .running), Fixture.task(2, .success)]))
        let after = Fixture.invocation(.failed, tasks: [Fixture.task(1, .failed), Fixture.task(2, .success)])
        var diff = differ.diff(previous: before, observed: [after], now: later, region: Fixture.region)
        let ids = diff.events.map(\.id)
        #expect(diff.taskIdsNeedingDetails == ["invt-0001"])
        let tail = OutputTail(decodedOutput: Array("boom\n".utf8))
        diff.enrich(with: ["invt-0001": TaskDetails(exitCode: 2, errorInfo: "exit 2", dropped: 0, output: tail)])
        #expect(diff.events.map(\.id) == ids)
        #expect(diff.events.first?.invocation.failedInstances?.first?.exitCode == 2)
        let task = try #require(diff.events.last?.task)
        #expect(task.exitCode == 2)
        #expect(task.errorInfo == "exit 2")
        #expect(task.output?.text == "boom\n")
        #expect(diff.events.last?.invocation.failedInstances?.first?.exitCode == 2)
        // The invocation-level event carries the failed instance's error and output tail too.
        let failed = try #require(diff.events.first?.invocation.failedInstances?.first)
        #expect(failed.errorInfo == "exit 2")
        #expect(failed.output == tail)
    }

    @Test("Only the first failed instances of an invocation carry their output tail in the event")
    func enrichmentBoundsOutputs() throws {
        let count = InstanceOutcome.detailedCount + 3
        let tasks = (1...count).map { Fixture.task($0, .running) }
        let before = Fixture.snapshot(Fixture.invocation(.running, tasks: tasks))
        let after = Fixture.invocation(.failed, tasks: (1...count).map { Fixture.task($0, .failed) })
        var diff = differ.diff(previous: before, observed: [after], now: later, region: Fixture.region)
        let tail = OutputTail(decodedOutput: Array("boom\n".utf8))
        diff.enrich(
            with: Dictionary(
                uniqueKeysWithValues: diff.taskIdsNeedingDetails.map {
                    ($0, TaskDetails(exitCode: 1, errorInfo: "failed", output: tail))
                }))
        let invocation = try #require(diff.events.first { $0.type == .invocationStatusChanged })
        let failed = try #require(invocation.invocation.failedInstances)
        #expect(failed.count == count)
        #expect(failed.allSatisfy { $0.errorInfo == "failed" && $0.exitCode == 1 })
        #expect(failed.prefix(InstanceOutcome.detailedCount).allSatisfy { $0.output == tail })
        #expect(failed.dropFirst(InstanceOutcome.detailedCount).allSatisfy { $0.output == nil })
    }
}
