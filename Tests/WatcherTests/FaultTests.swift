import Events
import Foundation
import TATSimulator
import Testing
import Watcher

// The economy over 10,000 retained is tested in every listing order in ListingOrderTests.
@Suite("Watcher: faults", .timeLimit(.minutes(2)))
struct FaultTests {
    @Test("30% injected faults: no false event, and no missed transition once the faults stop")
    func faults() async throws {
        try await Harness.with { h in
            let watcher = h.watcher()
            try await watcher.pollOnce()
            var handles: [InvocationHandle] = []
            for index in 0..<6 {
                let plan =
                    index % 2 == 0
                    ? TaskStep.succeeding(after: .seconds(Int64(2 + index)))
                    : TaskStep.failing(after: .seconds(Int64(1 + index)), exitCode: Int64(index))
                handles.append(await h.simulator.addInvocation(InvocationSpec(tasks: [.init(plan: plan), .init()])))
            }
            await h.simulator.injectFaults(
                FaultInjection(
                    probability: 0.3,
                    kinds: [.http500, .http503, .internalError, .requestLimitExceeded, .malformedJSON, .truncatedBody]))
            var failures = 0
            for _ in 0..<30 {
                await h.advance(seconds: 0.5)
                do { try await watcher.pollOnce() } catch { failures += 1 }
            }
            await h.simulator.clearFaults()
            try await watcher.pollOnce()
            #expect(failures > 0, "the faults did reach the watcher")

            // Every task's events form one unbroken chain ending at the simulator's final status.
            var last: [String: EventStatus] = [:]
            for event in h.log.events where event.type == .taskStatusChanged {
                let id = try #require(event.task?.id)
                if let previous = last[id] {
                    #expect(event.previousStatus == previous, "chain of \(id)")
                } else {
                    #expect(event.previousStatus == nil || event.previousStatus == "PENDING", "start of \(id)")
                }
                last[id] = event.status
            }
            for handle in handles {
                for task in handle.taskIds {
                    let status = try #require(await h.simulator.taskStatus(taskId: task))
                    #expect(last[task]?.rawValue == status.rawValue)
                }
                let invocation = h.log.events.filter {
                    $0.type == .invocationStatusChanged && $0.invocation.id == handle.invocationId
                }
                #expect(invocation.first?.previousStatus == nil)
                #expect(invocation.last?.status.rawValue == (await h.simulator.invocationStatus(handle.invocationId))?.rawValue)
                for (earlier, later) in zip(invocation, invocation.dropFirst()) {
                    #expect(later.previousStatus == earlier.status)
                }
            }
            #expect(Set(h.log.events.map(\.id)).count == h.log.events.count)
            let failed = h.log.events.filter { $0.type == .taskStatusChanged && $0.status == "FAILED" }
            #expect(failed.count == 3)
            #expect(failed.allSatisfy { $0.task?.exitCode != nil }, "details were fetched despite faults")
        }
    }
}

@Suite("Watcher: backoff")
struct BackoffTests {
    @Test(
        "the pause doubles per failure up to the cap",
        arguments: [
            (0, 10.0), (1, 20.0), (2, 40.0), (3, 50.0), (10, 50.0), (200, 50.0),
        ])
    func backoff(failures: Int, seconds: Double) {
        let delay = Watcher.pauseBeforeNextCycle(interval: .seconds(10), failures: failures, maxMultiplier: 5)
        #expect(delay == .milliseconds(Int64(seconds * 1000)))
    }
}
