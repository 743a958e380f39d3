import Events
import Foundation
import GRDB
import Outbox
import Rules
import Store
import Testing

@Suite("Concurrency and damaged rows")
struct RobustnessTests {
    @Test("Workers claiming at the same time never get the same row", arguments: Backend.allCases)
    func concurrentClaims(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let ids = (0..<500).map { "evt-\($0)" }
            try await enqueue(store, ids)
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            let rows = try await store.claimDue(now: t0, limit: 7)
                            if rows.isEmpty { return mine }
                            mine += rows.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == 500)
            #expect(Set(claimed).count == 500)
            #expect(try await store.stats(now: t0).inFlight == 500)
        }
    }

    @Test("A row whose stored event no longer decodes goes dead instead of stalling the outbox")
    func undecodableEvent() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.url)
        try await enqueue(store, ["evt-bad", "evt-good"])
        try await rawWrite(dir, "UPDATE event SET json = X'7B226E6F74223A317D' WHERE id = 'evt-bad'")

        let rows = try await store.claimDue(now: t0, limit: 10)
        #expect(rows.map(\.dispatch.eventId) == ["evt-good"])
        let dead = try #require(try await store.rows(ids: [1]).first)
        #expect(dead.state == .dead)
        #expect(dead.lastError?.contains("evt-bad") == true)
        #expect(dead.event.type.rawValue == "unreadable")
        #expect(try await store.rows(in: [.dead], limit: 10).map(\.dispatch.eventId) == ["evt-bad"])
        try store.close()
    }

    @Test("A damaged tasks blob is reported as a corrupt row, not returned as a wrong snapshot")
    func damagedTasks() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.url)
        try await store.commit(CycleCommit(region: "r", upserts: [invocation("inv-1")], markBaselined: true))
        try await rawWrite(dir, "UPDATE invocation SET tasks = substr(tasks, 1, 10)")
        await #expect {
            _ = try await store.loadSnapshot(region: "r")
        } throws: { error in
            (error as? StoreError)?.isCorruptRow == true
        }
        try store.close()
    }

    private func rawWrite(_ dir: borrowing TemporaryDirectory, _ sql: String) async throws {
        let raw = try DatabaseQueue(path: dir.url.appendingPathComponent(SQLiteStore.fileName).path)
        try await raw.write { db in try db.execute(sql: sql) }
        try raw.close()
    }
}
