import Foundation
import TATSimulator
import TestSupport
import Testing
import Watcher

@Suite("Watcher: run loop", .timeLimit(.minutes(2)))
struct RunLoopTests {
    @Test("run() pauses the interval after a success and backs off exponentially after failures")
    func backoff() async throws {
        try await Harness.with { h in
            let clock = TestClock(stopAfter: 6)
            let watcher = Watcher(
                configuration: Watcher.Configuration(interval: .milliseconds(1500), regions: [Harness.region]),
                reader: h.client, store: h.store, sink: RecordingSink(store: h.store, log: h.log), clock: clock,
                now: h.now.dateSource)
            await h.simulator.failNext(3, with: .requestLimitExceeded)
            await watcher.run()
            #expect(
                clock.sleeps == [
                    .milliseconds(3000), .milliseconds(6000), .milliseconds(7500), .milliseconds(1500),
                    .milliseconds(1500), .milliseconds(1500),
                ])
            #expect(h.log.baselines == 1)
            #expect(watcher.lastSuccessfulPoll != nil)
        }
    }

    @Test("cancelling run() stops the loop")
    func cancellation() async throws {
        try await Harness.with { h in
            let watcher = h.watcher(Watcher.Configuration(interval: .seconds(3600), regions: [Harness.region]))
            let task = Task { await watcher.run() }
            while watcher.lastSuccessfulPoll == nil { try await Task.sleep(for: .milliseconds(10)) }
            task.cancel()
            await task.value
            #expect(h.log.baselines == 1)
        }
    }
}
