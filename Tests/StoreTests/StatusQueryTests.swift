import Events
import Foundation
import GRDB
import Store
import Testing

/// The read-only queries behind the status page and the admin API.
@Suite("status queries")
struct StatusQueryTests {
    @Test("backlogs count every stored state per receiver, retrying and states added later included")
    func backlogs() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.url, configuration: .init(now: { t0 }))
        try await enqueue(store, ["e1", "e2", "e3", "e4"], to: "ops")
        try await enqueue(store, ["e5"], to: "mail")
        let rows = try await store.rows(in: [.pending], limit: 10).sorted { $0.id < $1.id }
        try await store.markDead(ids: [rows[0].id], error: "HTTP 400", responseExcerpt: nil)
        try await store.scheduleRetry(
            ids: [rows[1].id], at: t0.addingTimeInterval(60), error: "HTTP 503", responseExcerpt: nil)
        try await store.markDelivered(ids: [rows[4].id], at: t0)
        // A state this code does not know yet (another branch's "held") is counted as stored.
        let raw = try DatabaseQueue(path: dir.url.appendingPathComponent(SQLiteStore.fileName).path)
        try await raw.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'held' WHERE id = ?", arguments: [rows[2].id])
        }
        try raw.close()

        let backlogs = try await store.receiverBacklogs(now: t0.addingTimeInterval(30))
        #expect(backlogs.map(\.receiver) == ["mail", "ops"])
        let ops = try #require(backlogs.last)
        #expect(ops.counts == ["dead": 1, "pending": 2, "retrying": 1, "held": 1])
        #expect(ops.oldestPendingAge == 30)
        #expect(backlogs.first?.counts == ["delivered": 1])
        #expect(backlogs.first?.oldestPendingAge == 0)
        try store.close()
    }

    @Test("recent events come newest first with their notifications; one event by id", arguments: Backend.allCases)
    func events(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["a"], to: "ops")
            try await store.commit(
                CycleCommit(
                    region: "ap-guangzhou", events: [event("b"), event("c")],
                    dispatches: [dispatch("b", to: "ops"), dispatch("b", to: "mail")]))
            let recent = try await store.recentEvents(limit: 10)
            #expect(recent.map(\.event.id) == ["c", "b", "a"])
            #expect(recent[0].notifications.isEmpty)
            #expect(recent[1].notifications.map(\.receiver) == ["ops", "mail"])
            #expect(recent[1].notifications.allSatisfy { $0.state == "pending" && $0.rule == "failures" })
            #expect(recent[1].recordedAt == t0)
            #expect(try await store.recentEvents(limit: 2).map(\.event.id) == ["c", "b"])
            #expect(try await store.recentEvents(limit: 0).isEmpty)
            let one = try #require(try await store.recordedEvent(id: "a"))
            #expect(one.event.id == "a" && one.notifications.map(\.receiver) == ["ops"])
            #expect(try await store.recordedEvent(id: "nope") == nil)
        }
    }
}
