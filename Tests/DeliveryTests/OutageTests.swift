import Curl
import Delivery
import Events
import Foundation
import MetricsTestKit
import Outbox
import Rules
import Store
import Synchronization
import TestSupport
import Testing

/// Day-long outages on an injected clock: the real SQLite outbox, the real curl transport, a real
/// loopback receiver whose answer depends on the virtual time.
@Suite("Outages on an injected clock, real SQLite and loopback HTTP", .timeLimit(.minutes(2)))
struct OutageTests {
    /// Three failed-deploy events committed at the clock's start, for receiver `ops`.
    static func commitEvents(_ store: SQLiteStore, count: Int = 3, groupKey: String = "") async throws {
        let events = (1...count).map { Fixtures.event($0) }
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: events,
                dispatches: events.map {
                    Dispatch(eventId: $0.id, receiver: "ops", rule: "failures", groupKey: groupKey, notBefore: Fixtures.epoch)
                }))
    }

    /// A receiver answering `down` until the virtual clock reaches `upAt`, then 200.
    static func receiver(clock: TestClock, upAt: Date, down: HTTPReceiver.Behavior) async throws -> HTTPReceiver {
        try await HTTPReceiver(default: .dynamic { _ in clock.date < upAt ? down : .text(200, "ok") }).start()
    }

    static func dispatcher(
        _ store: any OutboxStore, clock: TestClock, client: CurlClient, receiver: Receiver,
        configuration: Dispatcher.Configuration = .init()
    ) -> Dispatcher {
        Dispatcher(
            store: store, transport: CurlTransport(client: client, now: { clock.date }),
            receiverLookup: { $0 == receiver.name ? receiver : nil }, render: renderIDs, configuration: configuration,
            clock: clock, now: { clock.date }, random: { 0.5 }, metrics: .init(factory: TestMetrics()))
    }

    /// Delivers what is due, jumps the clock to the next due time, and again, until nothing is due
    /// before `end`. Returns the rounds run.
    @discardableResult
    static func drive(_ dispatcher: Dispatcher, _ store: any OutboxStore, _ clock: TestClock, until end: Date)
        async throws -> Int
    {
        var rounds = 0
        while rounds < 10_000 {
            try await dispatcher.deliverDue()
            rounds += 1
            guard let next = try await store.nextDueTime(), next <= end else { break }
            let ahead = next.timeIntervalSince(clock.date)
            if ahead > 0 { clock.advance(by: .milliseconds(Int64(ahead * 1000) + 1)) }
        }
        return rounds
    }

    /// One receiver (`ops`, a generic webhook) answering `down` until `downFor` has passed on the
    /// virtual clock, three rows committed for it at the start.
    struct Outage {
        let clock = TestClock()
        let store: SQLiteStore
        let server: HTTPReceiver
        let client = CurlClient()
        let dispatcher: Dispatcher

        init(downFor: TimeInterval, down: HTTPReceiver.Behavior, retry: RetryLimits = .init()) async throws {
            let clock = clock
            store = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }))
            try await OutageTests.commitEvents(store)
            server = try await OutageTests.receiver(
                clock: clock, upAt: Fixtures.epoch.addingTimeInterval(downFor), down: down)
            let receiver = Receiver(name: "ops", platform: .webhook, url: server.url + "/hook", retry: retry)
            dispatcher = OutageTests.dispatcher(store, clock: clock, client: client, receiver: receiver)
        }

        /// Delivers and jumps the clock from due time to due time for `seconds` from the start.
        func run(for seconds: TimeInterval) async throws {
            try await OutageTests.drive(dispatcher, store, clock, until: Fixtures.epoch.addingTimeInterval(seconds))
        }

        func stop() async {
            client.shutdown()
            await server.stop()
        }
    }

    @Test("A receiver down for 23 h 50 min, then up: every row delivered, none dead")
    func dayLongOutage() async throws {
        let outage = try await Outage(downFor: 23 * 3600 + 50 * 60, down: .status(503))
        try await outage.run(for: 2 * 86_400)
        await outage.stop()

        let stats = try await outage.store.stats(now: outage.clock.date)
        #expect(stats.delivered == 3)
        #expect(stats.dead == 0 && stats.pending == 0 && stats.inFlight == 0)
        // Far more than the old 12 attempts: the backoff kept going at up to 15 min until the receiver came back.
        let delivered = try await outage.store.rows(in: [.delivered], limit: 10)
        #expect(delivered.allSatisfy { $0.attempts > 100 })
        #expect(outage.server.requests.count == delivered.map(\.attempts).reduce(0, +))
    }

    @Test("A receiver down for 25 h: dead letters that say they gave up after 24 h; replayed, they get a new day")
    func outagePastTheAgeLimit() async throws {
        let outage = try await Outage(downFor: 25 * 3600, down: .status(503))
        try await outage.run(for: 2 * 86_400)

        let dead = try await outage.store.rows(in: [.dead], limit: 10)
        #expect(dead.count == 3)
        for row in dead {
            let error = try #require(row.lastError)
            #expect(error.hasPrefix("gave up after 24 h ("), "\(error)")
            #expect(error.hasSuffix("attempts): HTTP 503"), "\(error)")
        }
        #expect(try await outage.store.stats(now: outage.clock.date).delivered == 0)
        #expect(outage.clock.date >= Fixtures.epoch.addingTimeInterval(86_400))
        #expect(outage.clock.date < Fixtures.epoch.addingTimeInterval(86_400 + 60))

        // `tattle replay` restarts the age clock: the first failures after it (the receiver is still
        // down for almost an hour) are retried, not fatal, and the rows arrive when it is back.
        #expect(try await outage.store.replay(ids: nil, now: outage.clock.date) == 3)
        try await outage.run(for: 3 * 86_400)
        await outage.stop()
        let stats = try await outage.store.stats(now: outage.clock.date)
        #expect(stats.delivered == 3 && stats.dead == 0)
    }

    @Test("Rate limited for 6 h (429, Retry-After 10 min): delivered afterwards with its attempt budget intact")
    func sixHoursRateLimited() async throws {
        // A strict attempt bound: 36 rate-limited answers would exhaust it if they counted.
        let outage = try await Outage(
            downFor: 6 * 3600, down: .status(429, headers: [HTTPHeader("Retry-After", "600")]),
            retry: RetryLimits(maxAttempts: 3))
        try await outage.run(for: 86_400)
        await outage.stop()

        let delivered = try await outage.store.rows(in: [.delivered], limit: 10)
        #expect(delivered.count == 3)
        #expect(delivered.allSatisfy { $0.attempts == 1 })  // only the successful attempt counted
        #expect(outage.server.requests.count > 36)
        #expect(try await outage.store.stats(now: outage.clock.date).dead == 0)
    }
}
