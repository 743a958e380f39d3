import Delivery
import Events
import Foundation
import MetricsTestKit
import Outbox
import Rules
import Store
import Testing

@Suite("Dispatcher over the real SQLite outbox", .timeLimit(.minutes(2)))
struct SQLiteDispatchTests {
    @Test("Commit, wake, deliver: groups sent as one message, permanent failures dead-lettered")
    func endToEnd() async throws {
        let store = try SQLiteStore.inMemory()
        let now = Date()
        let events = (1...4).map { n in
            var event = Fixtures.event(n)
            event.detectedAt = now
            return event
        }
        let dispatches = [
            Dispatch(eventId: "evt_1", receiver: "ops", rule: "failures", groupKey: "inv", notBefore: now.addingTimeInterval(-1)),
            Dispatch(eventId: "evt_2", receiver: "ops", rule: "failures", groupKey: "inv", notBefore: now.addingTimeInterval(-1)),
            Dispatch(eventId: "evt_3", receiver: "ops", rule: "failures", notBefore: now.addingTimeInterval(-1)),
            Dispatch(eventId: "evt_4", receiver: "ops", rule: "failures", notBefore: now.addingTimeInterval(-1)),
        ]
        let transport = ScriptedTransport(byBody: ["evt_4": .permanent("HTTP 403")])
        let metrics = TestMetrics()
        let dispatcher = Dispatcher(
            store: store, transport: transport, receiverLookup: { DispatcherTests.receivers[$0] }, render: renderIDs,
            configuration: .init(idlePollInterval: .seconds(3600)), metrics: .init(factory: metrics))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            try await store.commit(CycleCommit(region: "ap-guangzhou", events: events, dispatches: dispatches))
            dispatcher.wake()
            while true {
                let stats = try await store.stats(now: Date())
                if stats.delivered == 3 && stats.dead == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            dispatcher.shutdown()
            try await group.waitForAll()
        }
        #expect(transport.sent.map(\.body).sorted() == ["evt_1,evt_2", "evt_3", "evt_4"])
        let dead = try await store.rows(in: [.dead], limit: 10)
        #expect(dead.map(\.dispatch.eventId) == ["evt_4"])
        #expect(dead.first?.lastError == "HTTP 403")
        #expect(metrics.counterTotal(label: "tattle_deliveries_total", dimensions: [("receiver", "ops"), ("outcome", "delivered")]) == 2)
    }
}
