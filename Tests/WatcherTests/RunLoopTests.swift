import Foundation
import Synchronization
import TATSimulator
import Testing
import Watcher

/// A clock whose `sleep` returns at once, recording the requested pause; after `limit` sleeps it
/// throws `CancellationError`, which ends the run loop the way a cancelled task would.
final class PauseRecorder: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Duration, pauses: [Duration])>((.zero, []))
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var now: Instant { Instant(offset: state.withLock { $0.now }) }
    var minimumResolution: Duration { .nanoseconds(1) }
    var pauses: [Duration] { state.withLock { $0.pauses } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let stop = state.withLock { state in
            state.pauses.append(deadline.offset - state.now)
            state.now = deadline.offset
            return state.pauses.count >= limit
        }
        if stop { throw CancellationError() }
    }
}

@Suite("Watcher: run loop", .timeLimit(.minutes(2)))
struct RunLoopTests {
    @Test("run() pauses the interval after a success and backs off exponentially after failures")
    func backoff() async throws {
        try await Harness.with { h in
            let clock = PauseRecorder(limit: 6)
            let watcher = Watcher(
                configuration: Watcher.Configuration(interval: .milliseconds(1500), regions: [Harness.region]),
                reader: h.client, store: h.store, sink: RecordingSink(store: h.store, log: h.log), clock: clock,
                now: h.now.source)
            await h.simulator.failNext(3, with: .requestLimitExceeded)
            await watcher.run()
            #expect(
                clock.pauses == [
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
