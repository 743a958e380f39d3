import Events
import Foundation
import MetricsTestKit
import TATSimulator
import Testing
import Watcher

@Suite("Watcher: bad records and skewed clocks", .timeLimit(.minutes(2)))
struct QuarantineTests {
    @Test("malformed records are skipped and counted; the rest of the page is used; a broken one keeps its state")
    func malformedRecords() async throws {
        try await Harness.with { h in
            let metrics = TestMetrics()
            let watcher = h.watcher(metrics: metrics)
            try await watcher.pollOnce()
            let tracked = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(10)))]))
            await h.advance(seconds: 2)
            try await watcher.pollOnce()
            let before = h.log.events.count

            let good = await h.simulator.addInvocation()
            let noStatus = await h.simulator.addInvocation()
            let noId = await h.simulator.addInvocation()
            await h.simulator.corrupt(noStatus.invocationId, .missingStatus)
            await h.simulator.corrupt(noId.invocationId, .missingId)
            await h.simulator.corrupt(tracked.invocationId, .taskWithoutStatus)
            await h.advance(seconds: 1)
            let cycle = try #require(try await watcher.pollOnce().first)
            let ids = Set(cycle.diff.events.map(\.invocation.id))
            #expect(ids == [good.invocationId], "only the well-formed new invocation")
            #expect(cycle.diff.removals.isEmpty)
            #expect(await watcher.pollers[0].currentSnapshot()[tracked.invocationId]?.status == .running)
            #expect(metrics.counterTotal(label: "tattle_api_malformed_records_total") >= 3)

            // Broken rows never make every cycle a full listing.
            var kinds: [CycleReport.Kind] = []
            for _ in 0..<3 { kinds.append(try #require(try await watcher.pollOnce().first).kind) }
            #expect(kinds.last == .incremental, "\(kinds)")

            // Repaired, the tracked one is diffed against its last known state.
            await h.simulator.clearFaults()
            await h.advance(seconds: 10)
            try await watcher.pollOnce()
            let after = h.log.events.dropFirst(before).filter { $0.invocation.id == tracked.invocationId }
            #expect(after.map(\.line).sorted() == [
                "invocation.status_changed - RUNNING→SUCCESS", "task.status_changed \(tracked.taskIds[0]) RUNNING→SUCCESS",
            ])
            let late = h.log.events.dropFirst(before).filter { $0.invocation.id == noStatus.invocationId }
            #expect(late.first?.previousStatus == nil, "first seen once repaired: new")
        }
    }

    @Test("a task id DescribeInvocationTasks refuses loses only its own details")
    func refusedTask() async throws {
        try await Harness.with { h in
            let watcher = h.watcher()
            try await watcher.pollOnce()
            var handles: [InvocationHandle] = []
            for code in 1...3 {
                handles.append(
                    await h.simulator.addInvocation(
                        InvocationSpec(tasks: [.init(plan: TaskStep.failing(after: .seconds(1), exitCode: Int64(code)))])))
            }
            let refused = handles[1].taskIds[0]
            await h.simulator.refuseTask(refused)
            await h.advance(seconds: 5)
            try await watcher.pollOnce()
            let failed = h.log.events.filter { $0.type == .taskStatusChanged && $0.status == "FAILED" }
            #expect(failed.count == 3)
            for event in failed {
                if event.task?.id == refused {
                    #expect(event.task?.exitCode == nil)
                } else {
                    #expect(event.task?.exitCode != nil, "details of \(event.task?.id ?? "")")
                }
            }
        }
    }

    @Test("a host clock 10 minutes ahead (injected): polling continues, signed with the server's time", arguments: [600.0, -900.0])
    func skewedClock(offset: Double) async throws {
        try await Harness.with(clientClockOffset: offset) { h in
            let metrics = TestMetrics()
            let watcher = h.watcher(metrics: metrics)
            try await watcher.pollOnce()
            let handle = await h.simulator.addInvocation()
            await h.advance(seconds: 5)
            try await watcher.pollOnce()
            try await watcher.pollOnce()
            #expect(h.log.events.contains { $0.invocation.id == handle.invocationId && $0.status == "SUCCESS" })
            let skew = try metrics.expectGauge("tattle_clock_skew_seconds", [("region", Harness.region)])
            let measured = try #require(skew.lastValue)
            #expect(abs(measured + offset) < 5, "server minus local ≈ \(-offset), measured \(measured)")
            let refused = await h.simulator.calls.filter { $0.errorCode == "AuthFailure.SignatureExpire" }
            #expect(refused.count == 1, "only the very first call, before the Date header was read")
        }
    }
}
