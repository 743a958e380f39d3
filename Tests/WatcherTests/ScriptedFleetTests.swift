import Events
import Foundation
import Store
import Synchronization
import TATSimulator
import Testing
import Watcher

@Suite("Watcher against the simulator", .timeLimit(.minutes(2)))
struct ScriptedFleetTests {
    @Test("a scripted fleet produces exactly the expected events, in order, with details of the failure")
    func scriptedFleet() async throws {
        try await Harness.with { h in
            await h.simulator.seedRetained(count: 30, active: 0)
            let watcher = h.watcher()
            let baseline = try await watcher.pollOnce()
            #expect(baseline.map(\.kind) == [.baseline])
            #expect(h.log.events.isEmpty, "the first listing is recorded silently")
            #expect(h.log.baselines == 1)

            let handle = await h.simulator.addInvocation(
                InvocationSpec(tasks: [
                    .init(plan: TaskStep.succeeding(after: .seconds(3))),
                    .init(plan: TaskStep.failing(after: .seconds(3), exitCode: 3, output: "step 1\nboom: disk full\n")),
                ]))
            let tasks = zip(handle.taskIds, handle.instanceIds).sorted { $0.0 < $1.0 }
            let ok = handle.taskIds[0]
            let bad = handle.taskIds[1]

            try await watcher.pollOnce()  // PENDING, tasks PENDING: only the invocation is reported
            await h.advance(seconds: 1.2)  // tasks RUNNING
            try await watcher.pollOnce()
            try await watcher.pollOnce()  // nothing new
            await h.advance(seconds: 4)  // one SUCCESS, one FAILED
            try await watcher.pollOnce()
            try await watcher.pollOnce()

            let final = try #require(await h.simulator.invocationStatus(handle.invocationId)).rawValue
            let lines = h.log.events.map(\.line)
            let sortedIds = tasks.map(\.0)
            var expected = [
                "invocation.status_changed - nil→PENDING",
                "invocation.status_changed - PENDING→RUNNING",
            ]
            expected += sortedIds.map { "task.status_changed \($0) PENDING→RUNNING" }
            expected.append("invocation.status_changed - RUNNING→\(final)")
            expected += sortedIds.map { "task.status_changed \($0) RUNNING→\($0 == ok ? "SUCCESS" : "FAILED")" }
            #expect(lines == expected)
            #expect(h.log.events.allSatisfy { $0.invocation.id == handle.invocationId })

            let failure = try #require(h.log.events.first { $0.task?.id == bad && $0.status == "FAILED" })
            #expect(failure.task?.exitCode == 3)
            #expect(failure.task?.output?.text == "step 1\nboom: disk full\n")
            #expect(failure.invocation.commandName == "deploy-web")
            let end = try #require(h.log.events.first { $0.type == .invocationStatusChanged && $0.status.rawValue == final })
            #expect(end.invocation.failedInstances?.map(\.taskId) == [bad])
            #expect(end.invocation.failedInstances?.first?.exitCode == 3)
            #expect(end.invocation.taskCounts == ["SUCCESS": 1, "FAILED": 1])
            #expect(Set(h.log.events.map(\.id)).count == h.log.events.count)
        }
    }

    @Test("a restart in the middle (new watcher, same store) loses and repeats nothing")
    func restart() async throws {
        try await Harness.with { h in
            try await h.watcher().pollOnce()  // baseline of an empty fleet
            let handle = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(5)))]))
            let first = h.watcher()
            try await first.pollOnce()
            await h.advance(seconds: 1.5)
            try await first.pollOnce()
            let before = h.log.events.count

            // "Crash": a new process loads the committed snapshot; the fleet moves on meanwhile.
            await h.advance(seconds: 10)
            let second = h.watcher()
            try await second.pollOnce()
            try await second.pollOnce()
            let lines = h.log.events.map(\.line)
            #expect(before == 3)
            #expect(
                lines == [
                    "invocation.status_changed - nil→PENDING",
                    "invocation.status_changed - PENDING→RUNNING",
                    "task.status_changed \(handle.taskIds[0]) PENDING→RUNNING",
                    "invocation.status_changed - RUNNING→SUCCESS",
                    "task.status_changed \(handle.taskIds[0]) RUNNING→SUCCESS",
                ])
            #expect(await second.pollers[0].trackedCount == 1)
        }
    }

    @Test("a failing sink commits nothing; the next cycle re-detects the same change with the same ids")
    func sinkFailure() async throws {
        try await Harness.with { h in
            let sink = RecordingSink(store: h.store, log: h.log)
            let watcher = h.watcher(sink: sink)
            try await watcher.pollOnce()
            await h.simulator.addInvocation(InvocationSpec(tasks: [.init(plan: TaskStep.failing(after: .seconds(1)))]))
            await h.advance(seconds: 3)
            sink.failing.withLock { $0 = true }
            await #expect(throws: SinkFailure.self) { try await watcher.pollOnce() }
            #expect(await watcher.pollers[0].trackedCount == 0, "the snapshot did not advance")
            #expect(h.log.events.isEmpty)
            sink.failing.withLock { $0 = false }
            let report = try #require(try await watcher.pollOnce().first)
            #expect(report.diff.events.map(\.line).first == "invocation.status_changed - nil→FAILED")
            #expect(h.log.events.count == 2)
            #expect(
                report.diff.events.first?.id
                    == EventID.make(
                        type: .invocationStatusChanged, region: Harness.region,
                        invocationId: report.diff.events[0].invocation.id,
                        taskId: nil, previousStatus: nil, status: "FAILED"))
        }
    }

    @Test("stuck events fire once with the injected clock")
    func stuck() async throws {
        try await Harness.with { h in
            let watcher = h.watcher()
            try await watcher.pollOnce()
            let handle = await h.simulator.addInvocation(
                InvocationSpec(
                    timeout: 60,
                    tasks: [
                        .init(plan: [.after(.milliseconds(500), .delivering), .after(.milliseconds(500), .running)])
                    ]
                ))
            await h.advance(seconds: 2)
            try await watcher.pollOnce()  // first seen RUNNING
            await h.advance(seconds: 170)
            try await watcher.pollOnce()  // 170 s < 60 + 120
            #expect(h.log.events.filter { $0.type.rawValue.hasSuffix("stuck") }.isEmpty)
            await h.advance(seconds: 15)
            try await watcher.pollOnce()
            await h.advance(seconds: 1000)
            try await watcher.pollOnce()
            let stuck = h.log.events.filter { $0.type == .invocationStuck || $0.type == .taskStuck }
            #expect(
                stuck.map(\.line) == [
                    "invocation.stuck - RUNNING→RUNNING", "task.stuck \(handle.taskIds[0]) RUNNING→RUNNING",
                ])
            #expect(stuck.first?.stuck?.limitSeconds == 180)
            #expect(stuck.first?.stuck?.seconds == 185)
        }
    }

    @Test("vanished invocations: removed (and tombstoned) only after a second look missed them, never an event")
    func vanished() async throws {
        try await Harness.with { h in
            var configuration = Watcher.Configuration(regions: [Harness.region])
            configuration.fullResyncInterval = .seconds(60)
            let watcher = h.watcher(configuration)
            let done = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(1)))]))
            let running = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: [.after(.milliseconds(500), .running)])]))
            await h.advance(seconds: 5)
            try await watcher.pollOnce()  // baseline: both tracked
            #expect(await watcher.pollers[0].trackedCount == 2)
            await h.simulator.removeInvocation(done.invocationId)
            await h.simulator.removeInvocation(running.invocationId)
            await h.advance(seconds: 10)
            let first = try #require(try await watcher.pollOnce().first)
            #expect(first.diff.removals.isEmpty, "the running one missed its refresh once: kept")
            #expect(await watcher.pollers[0].trackedCount == 2)
            await h.advance(seconds: 60)
            let resync = try #require(try await watcher.pollOnce().first)
            #expect(resync.kind == .fullResync)
            #expect(resync.diff.removals == [running.invocationId], "missed twice, the second time by id")
            let confirmed = try #require(try await watcher.pollOnce().first)
            #expect(confirmed.diff.removals == [done.invocationId], "missed by the full listing, then by id")
            #expect(await watcher.pollers[0].trackedCount == 0)
            #expect(try await h.store.loadTombstones(region: Harness.region).count == 2)
            #expect(h.log.events.isEmpty)
        }
    }
}
