import Curl
import Delivery
import Foundation
import Rules
import Store
import Synchronization
import TestSupport
import Testing

/// Claims are leases: a state write that cannot be recorded after a send never strands a row.
@Suite("Leases over the real SQLite outbox", .timeLimit(.minutes(2)))
struct LeaseTests {
    func setUp(_ clock: TestClock) async throws -> (SQLiteStore, FaultyOutbox, HTTPReceiver, CurlClient, Receiver) {
        let sqlite = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }))
        try await OutageTests.commitEvents(sqlite, count: 1)
        let server = try await HTTPReceiver(default: .text(200, "ok")).start()
        return (sqlite, FaultyOutbox(sqlite), server, CurlClient(), Receiver(name: "ops", platform: .webhook, url: server.url + "/hook"))
    }

    @Test("A state write that fails once is retried with backoff: delivered once, nothing in flight")
    func writeRetried() async throws {
        let clock = TestClock()
        let (sqlite, store, server, client, receiver) = try await setUp(clock)
        defer { client.shutdown() }
        store.failingWrites.withLock { $0 = 1 }
        let dispatcher = OutageTests.dispatcher(store, clock: clock, client: client, receiver: receiver)

        try await dispatcher.deliverDue()

        #expect(store.failures.withLock { $0 } == 1)
        let stats = try await sqlite.stats(now: clock.date)
        #expect(stats.delivered == 1 && stats.inFlight == 0)
        #expect(server.requests.count == 1)
        await server.stop()
    }

    @Test("A write that keeps failing after a send: the row is re-claimed by its lease and resent with the same key")
    func reclaimedByLease() async throws {
        let clock = TestClock()
        let (sqlite, store, server, client, receiver) = try await setUp(clock)
        defer { client.shutdown() }
        store.failingWrites.withLock { $0 = .max }
        let dispatcher = OutageTests.dispatcher(
            store, clock: clock, client: client, receiver: receiver, configuration: .init(lease: .seconds(60)))

        try await dispatcher.deliverDue()
        // Sent, but the outcome could not be recorded within the lease: the row is still claimed…
        #expect(server.requests.count == 1)
        #expect(try await sqlite.stats(now: clock.date).inFlight == 1)
        #expect(store.failures.withLock { $0 } > 1)  // retried with backoff before leaving it to the lease
        // …and due again when its lease lapses.
        let lapse = try #require(try await sqlite.nextDueTime())
        #expect(lapse == Fixtures.epoch.addingTimeInterval(60))

        store.failingWrites.withLock { $0 = 0 }  // the database is writable again
        if lapse > clock.date { clock.advance(by: .milliseconds(Int64(lapse.timeIntervalSince(clock.date) * 1000) + 1)) }
        #expect(try await dispatcher.deliverDue() == 1)

        let stats = try await sqlite.stats(now: clock.date)
        #expect(stats.delivered == 1 && stats.inFlight == 0 && stats.pending == 0)
        let keys = server.requests.map { $0.header("webhook-id") }
        #expect(keys.count == 2)
        #expect(keys[0] == "evt_1:ops" && keys[1] == "evt_1:ops")
        await server.stop()
    }

    @Test("The running dispatcher re-claims a lapsed lease without a restart (run loop on the injected clock)")
    func runLoopReclaims() async throws {
        let clock = TestClock()
        let (sqlite, store, server, client, receiver) = try await setUp(clock)
        defer { client.shutdown() }
        store.failingWrites.withLock { $0 = 6 }  // as many as one record() retries within a 60 s lease
        let dispatcher = OutageTests.dispatcher(
            store, clock: clock, client: client, receiver: receiver, configuration: .init(lease: .seconds(60)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            while try await sqlite.stats(now: clock.date).delivered < 1 { try await Task.sleep(for: .milliseconds(5)) }
            dispatcher.shutdown()
            try await group.waitForAll()
        }
        #expect(store.failures.withLock { $0 } == 6)
        let stats = try await sqlite.stats(now: clock.date)
        #expect(stats.delivered == 1 && stats.inFlight == 0)
        let keys = server.requests.map { $0.header("webhook-id") }
        #expect(keys.count >= 2)  // sent, outcome lost, re-claimed by the lease, sent again
        #expect(keys.allSatisfy { $0 == "evt_1:ops" })
        await server.stop()
    }

    @Test("Another claimer's lease is respected: a late write from the first claimer does not override it")
    func fencing() async throws {
        let clock = TestClock()
        let first = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }, claimer: "a"))
        try await OutageTests.commitEvents(first, count: 1)
        let claimed = try await first.claimDue(now: clock.date, limit: 10, leaseUntil: clock.date.addingTimeInterval(60))
        #expect(claimed.count == 1)
        // Not due while the lease holds.
        #expect(try await first.claimDue(now: clock.date.addingTimeInterval(59), limit: 10, leaseUntil: clock.date).isEmpty)
        // The same database seen by claimer "b" after the lease lapsed (PostgreSQL: another replica).
        let second = first.withClaimer("b")
        let again = try await second.claimDue(
            now: clock.date.addingTimeInterval(61), limit: 10, leaseUntil: clock.date.addingTimeInterval(121))
        #expect(again.map(\.id) == claimed.map(\.id))
        try await first.scheduleRetry(ids: claimed.map(\.id), at: clock.date, error: "late", responseExcerpt: nil)
        #expect(try await first.rows(in: [.inFlight], limit: 10).first?.lastError == nil)  // not applied
        try await second.markDelivered(ids: again.map(\.id), at: clock.date)
        #expect(try await first.stats(now: clock.date).delivered == 1)
    }
}
