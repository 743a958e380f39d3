import Curl
import Delivery
import Events
import Foundation
import MetricsTestKit
import Outbox
import Rules
import Store
import TestSupport
import Testing

/// Digest membership and keys over the real SQLite outbox and loopback HTTP: fixed at the first
/// attempt, split on a 413, and held (not killed) while a reload has removed their receiver.
@Suite("Stable digests and held receivers over real SQLite and loopback HTTP", .timeLimit(.minutes(2)))
struct StableDigestTests {
    /// The event ids in a body rendered by ``renderIDs``.
    static func ids(_ body: [UInt8]) -> [String] {
        String(decoding: body, as: UTF8.self).replacingOccurrences(of: "digest:", with: "")
            .split(separator: ",").map(String.init)
    }

    func jump(_ clock: TestClock, to date: Date) {
        let ahead = date.timeIntervalSince(clock.date)
        if ahead > 0 { clock.advance(by: .milliseconds(Int64(ahead * 1000) + 1)) }
    }

    @Test("A 413 splits the message and retries the halves until every event is delivered once")
    func tooLargeSplits() async throws {
        let clock = TestClock()
        let store = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }))
        try await OutageTests.commitEvents(store, count: 6, groupKey: "deploy")
        // Accepts at most two events per request.
        let server = try await HTTPReceiver(default: .dynamic { request in
            Self.ids(request.body).count > 2 ? .text(413, "Request Entity Too Large") : .text(200, "ok")
        }).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let receiver = Receiver(name: "ops", platform: .webhook, url: server.url + "/hook")
        let dispatcher = OutageTests.dispatcher(store, clock: clock, client: client, receiver: receiver)

        try await dispatcher.deliverDue()

        let stats = try await store.stats(now: clock.date)
        #expect(stats.delivered == 6 && stats.dead == 0 && stats.pending == 0)
        let requests = server.requests
        #expect(requests.map { Self.ids($0.body).count } == [6, 3, 1, 2, 3, 1, 2])
        let accepted = requests.filter { Self.ids($0.body).count <= 2 }.flatMap { Self.ids($0.body) }
        #expect(accepted.sorted() == (1...6).map { "evt_\($0)" })
        // Each accepted message has its own key; none reuses the rejected 6-event key.
        let keys = requests.compactMap { $0.header("webhook-id") }
        #expect(Set(keys).count == keys.count)
        await server.stop()
    }

    @Test("A retried digest resends exactly its first members under the same key; a newcomer goes separately")
    func retriedDigestIsStable() async throws {
        let clock = TestClock()
        let store = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }))
        try await OutageTests.commitEvents(store, count: 3, groupKey: "deploy")
        let server = try await HTTPReceiver(default: .text(200, "ok")).start()
        server.enqueue(.status(503))
        let client = CurlClient()
        defer { client.shutdown() }
        let receiver = Receiver(name: "ops", platform: .webhook, url: server.url + "/hook")
        let dispatcher = OutageTests.dispatcher(store, clock: clock, client: client, receiver: receiver)

        try await dispatcher.deliverDue()
        #expect(server.requests.count == 1)
        // A fourth event of the same group arrives while the first three wait for their retry.
        let late = Fixtures.event(4)
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: [late],
                dispatches: [
                    Dispatch(eventId: late.id, receiver: "ops", rule: "failures", groupKey: "deploy", notBefore: clock.date)
                ]))
        jump(clock, to: try #require(try await store.nextDueTime()))
        try await dispatcher.deliverDue()
        if let next = try await store.nextDueTime() {
            jump(clock, to: next)
            try await dispatcher.deliverDue()
        }

        #expect(try await store.stats(now: clock.date).delivered == 4)
        let requests = server.requests
        #expect(requests.count == 3)
        let first = requests[0]
        let retry = try #require(requests.dropFirst().first { Self.ids($0.body).count == 3 })
        #expect(Self.ids(retry.body) == Self.ids(first.body))
        #expect(Self.ids(first.body) == ["evt_1", "evt_2", "evt_3"])
        let key = try #require(first.header("webhook-id"))
        #expect(key.hasPrefix("grp_"))
        #expect(retry.header("webhook-id") == key)
        #expect(requests.contains { Self.ids($0.body) == ["evt_4"] && $0.header("webhook-id") == "evt_4:ops" })
        await server.stop()
    }

    static func rules(receiver name: String, url: String) -> Data {
        Data(
            """
            {
              "version": 1,
              "receivers": { "\(name)": { "type": "webhook", "url": "\(url)" } },
              "rules": [{ "name": "failures", "match": {}, "receivers": ["\(name)"] }]
            }
            """.utf8)
    }

    @Test("Rename a receiver, reload, rename it back: the held rows are delivered; past 24 h they die")
    func renameAndBack() async throws {
        let clock = TestClock()
        let store = try SQLiteStore.inMemory(configuration: .init(now: { clock.date }))
        try await OutageTests.commitEvents(store, count: 2)
        try await OutageTests.commitEvents(store, count: 1)  // the same pair again is ignored
        let server = try await HTTPReceiver(default: .text(200, "ok")).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let url = server.url + "/hook"
        let holder = RulesHolder(
            engine: RulesEngine(ruleSet: try #require(RuleSet.load(data: Self.rules(receiver: "ops", url: url)).0)))
        let dispatcher = Dispatcher(
            store: store, transport: CurlTransport(client: client, now: { clock.date }),
            receiverLookup: { holder.current.ruleSet.receivers[$0] },
            render: { batch, receiver in
                try holder.current.render(
                    rule: batch.rule, receiver: receiver.name, events: batch.events, isRecovery: batch.isRecovery)
            },
            clock: clock, now: { clock.date }, random: { 0.5 }, metrics: .init(factory: TestMetrics()))

        // A typo in a rename: "ops" disappears.
        #expect(holder.reload(data: Self.rules(receiver: "opps", url: url)).applied)
        #expect(await dispatcher.reconcileHeld() == .init(held: 0, released: 0, expired: 0))
        try await dispatcher.deliverDue()
        #expect(server.requests.isEmpty)
        var stats = try await store.stats(now: clock.date)
        #expect(stats.held == 2 && stats.dead == 0)
        #expect(await dispatcher.reconcileHeld() == .init(held: 2, released: 0, expired: 0))
        let held = try await store.rows(in: [.held], limit: 10)
        #expect(held.allSatisfy { $0.attempts == 0 && $0.lastError?.contains("not in the rules file") == true })

        // Fixed an hour later: reload, and the held rows go out.
        clock.advance(by: .seconds(3600))
        #expect(holder.reload(data: Self.rules(receiver: "ops", url: url)).applied)
        #expect(await dispatcher.reconcileHeld() == .init(held: 0, released: 2, expired: 0))
        try await dispatcher.deliverDue()
        stats = try await store.stats(now: clock.date)
        #expect(stats.delivered == 2 && stats.held == 0)
        #expect(server.requests.count == 2)

        // Held past the age limit: dead letters.
        try await OutageTests.commitEvents(store, count: 3)
        #expect(holder.reload(data: Self.rules(receiver: "opps", url: url)).applied)
        try await dispatcher.deliverDue()
        clock.advance(by: .seconds(86_399))
        #expect(await dispatcher.reconcileHeld() == .init(held: 1, released: 0, expired: 0))
        clock.advance(by: .seconds(2))
        #expect(await dispatcher.reconcileHeld() == .init(held: 0, released: 0, expired: 1))
        let dead = try await store.rows(in: [.dead], limit: 10)
        #expect(dead.map(\.dispatch.eventId) == ["evt_3"])
        #expect(dead.first?.lastError == "gave up after 24 h: receiver no longer configured")
        await server.stop()
    }

    @Test("Folding a backlog never regroups a stored message or a row already attempted on its own")
    func foldKeepsFixedMembership() {
        let message = MessageRef(id: 7, key: "grp_fixed:ding", isDigest: false)
        var stored = [Fixtures.row(3, receiver: "ding"), Fixtures.row(4, receiver: "ding")]
        for index in stored.indices { stored[index].message = message }
        let queue = [
            DeliveryBatch(rows: [Fixtures.row(1, receiver: "ding")]),
            DeliveryBatch(rows: [Fixtures.row(2, receiver: "ding", attempts: 1)]),  // timed out once
            DeliveryBatch(rows: stored),
            DeliveryBatch(rows: [Fixtures.row(5, receiver: "ding")]),
            DeliveryBatch(rows: [Fixtures.row(6, receiver: "ding")]),
        ]
        let folded = DeliveryBatch.fold(queue, allowance: 2)
        #expect(folded.map(\.ids) == [[1], [2], [3, 4], [5, 6]])
        #expect(folded.map(\.idempotencyKey).prefix(3) == ["evt_1:ding", "evt_2:ding", "grp_fixed:ding"])
        #expect(folded.last?.isDigest == true)
        // Claimed again, the attempted row of a group stays alone too.
        let grouped = DeliveryBatch.group([
            Fixtures.row(8, groupKey: "g", attempts: 1), Fixtures.row(9, groupKey: "g"), Fixtures.row(10, groupKey: "g"),
        ])
        #expect(grouped.map(\.ids) == [[8], [9, 10]])
    }
}
