import Delivery
import Foundation
import Logging
import MetricsTestKit
import Outbox
import Rules
import Secrets
import Store
import Synchronization
import Testing
import TestSupport

/// A transport whose sends wait until the test opens the gate.
final class GatedTransport: Transport {
    private let waiting = Mutex<[CheckedContinuation<Void, Never>]>([])
    private let open = Mutex(false)
    let started = Mutex<[String]>([])

    func send(_ message: RenderedMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification {
        started.withLock { $0.append(receiver.name) }
        await withCheckedContinuation { continuation in
            let resumeNow = open.withLock { open in
                if !open { waiting.withLock { $0.append(continuation) } }
                return open
            }
            if resumeNow { continuation.resume() }
        }
        return Classification(.delivered)
    }

    func release() {
        open.withLock { $0 = true }
        for waiter in waiting.withLock({ list in defer { list.removeAll() }; return list }) { waiter.resume() }
    }
}

@Suite("Dispatcher: only the lanes this replica owns", .timeLimit(.minutes(1)))
struct OwnedLanesTests {
    func dispatcher(
        _ store: InMemoryOutbox, _ transport: any Transport, lanes: Set<String>?,
        configuration: Dispatcher.Configuration = .init()
    ) -> Dispatcher {
        let clock = TestClock()
        return Dispatcher(
            store: store, transport: transport, receiverLookup: { DispatcherTests.receivers[$0] },
            lanes: { lanes }, render: renderIDs, configuration: configuration, clock: clock, now: { clock.date },
            random: { 0.5 },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            metrics: .init(factory: TestMetrics()))
    }

    @Test("claims and sends only rows of owned lanes; other lanes' rows stay pending for their owner")
    func claimsOwnedLanesOnly() async throws {
        let store = InMemoryOutbox([Fixtures.row(1, receiver: "ops"), Fixtures.row(2, receiver: "ding")])
        let transport = ScriptedTransport()
        #expect(try await dispatcher(store, transport, lanes: ["ding"]).deliverDue() == 1)
        #expect(transport.sent.map(\.receiver) == ["ding"])
        #expect(await store.states() == [1: .pending, 2: .delivered])
        #expect(try await dispatcher(store, transport, lanes: []).deliverDue() == 0)
    }

    @Test("a lane is busy while one of its rows is being sent, idle once it is recorded")
    func idleness() async throws {
        let store = InMemoryOutbox([Fixtures.row(1, receiver: "ops")])
        let transport = GatedTransport()
        let dispatcher = dispatcher(store, transport, lanes: nil)
        #expect(dispatcher.isIdle(lane: "ops"))
        async let delivered = dispatcher.deliverDue()
        while transport.started.withLock({ $0.isEmpty }) { await Task.yield() }
        #expect(!dispatcher.isIdle(lane: "ops"))
        #expect(dispatcher.isIdle(lane: "ding"))
        transport.release()
        #expect(try await delivered == 1)
        #expect(dispatcher.isIdle(lane: "ops"))
        #expect(await store.states() == [1: .delivered])
    }

    @Test(
        "at start, in-flight rows are returned to pending only by a single process, not by a replica",
        arguments: [(true, DeliveryState.pending), (false, DeliveryState.inFlight)])
    func recoveryAtStart(recovers: Bool, expected: DeliveryState) async throws {
        var row = Fixtures.row(1, receiver: "ops")
        row.state = .inFlight
        row.claimedUntil = .distantFuture
        let store = InMemoryOutbox([row])
        var configuration = Dispatcher.Configuration(idlePollInterval: .seconds(3600))
        configuration.recoversInFlightAtStart = recovers
        let dispatcher = dispatcher(store, ScriptedTransport(), lanes: [], configuration: configuration)
        dispatcher.shutdown()
        try await dispatcher.run()
        #expect(await store.row(1)?.state == expected)
    }
}
