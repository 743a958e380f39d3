import GRDB
import Synchronization
import Testing

@testable import Store

@Suite("Delivery state writes share transactions", .timeLimit(.minutes(1)))
struct SettleQueueTests {
    /// A table of counters and a writer that can hold its first transaction until released.
    final class Bench: Sendable {
        let database: DatabaseQueue
        let transactions = Mutex(0)
        let gate = AsyncStream<Void>.makeStream()
        let held = Mutex(true)

        init(rows: Int) throws {
            database = try DatabaseQueue()
            try database.write { db in
                try db.execute(sql: "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
                for id in 1...rows { try db.execute(sql: "INSERT INTO counter VALUES (?, 0)", arguments: [id]) }
            }
        }

        func write(_ updates: @escaping @Sendable (Database) throws -> Void) async throws {
            if held.withLock({ let first = $0; $0 = false; return first }) {
                for await _ in gate.stream { break }
            }
            transactions.withLock { $0 += 1 }
            try await database.write(updates)
        }

        func counts() throws -> [Int] { try database.read { db in try Int.fetchAll(db, sql: "SELECT n FROM counter") } }
    }

    final class Outcomes: Sendable {
        private let value = Mutex<[Int: Bool]>([:])
        func record(_ id: Int, _ ok: Bool) { value.withLock { $0[id] = ok } }
        var all: [Int: Bool] { value.withLock { $0 } }
    }

    static func bump(_ id: Int) -> SettleQueue.Statement {
        SettleQueue.Statement(sql: "UPDATE counter SET n = n + 1 WHERE id = ?", arguments: [id])
    }

    @Test("writes queued behind a transaction go in the next one, each applied once")
    func queuedWritesShareOneTransaction() async throws {
        let bench = try Bench(rows: 20)
        let queue = SettleQueue()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await queue.run(Self.bump(1)) { try await bench.write($0) } }
            while bench.held.withLock({ $0 }) { await Task.yield() }  // the first round is being written
            for id in 2...20 { group.addTask { try await queue.run(Self.bump(id)) { try await bench.write($0) } } }
            while queue.queued < 19 { await Task.yield() }
            bench.gate.continuation.yield()
            try await group.waitForAll()
        }
        #expect(try bench.counts() == Array(repeating: 1, count: 20))
        #expect(bench.transactions.withLock { $0 } == 2, "the 19 queued writes go in one transaction")
    }

    @Test("a failing write in a shared transaction fails alone")
    func failureIsIsolated() async throws {
        let bench = try Bench(rows: 10)
        let queue = SettleQueue()
        let broken = SettleQueue.Statement(sql: "UPDATE missing SET n = 1", arguments: [])
        let outcomes = Outcomes()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = try? await queue.run(Self.bump(1)) { try await bench.write($0) } }
            while bench.held.withLock({ $0 }) { await Task.yield() }
            for id in 2...10 {
                group.addTask {
                    let ok = (try? await queue.run(Self.bump(id)) { try await bench.write($0) }) != nil
                    outcomes.record(id, ok)
                }
            }
            group.addTask {
                let ok = (try? await queue.run(broken) { try await bench.write($0) }) != nil
                outcomes.record(0, ok)
            }
            while queue.queued < 10 { await Task.yield() }
            bench.gate.continuation.yield()
        }
        #expect(outcomes.all == [0: false, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true])
        #expect(try bench.counts() == Array(repeating: 1, count: 10))
    }
}
