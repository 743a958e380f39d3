import Events
import Foundation
import Rules
import Store
import Testing
import Timekeeping

/// Rough figures for the store's hot paths, run by hand: `TATTLE_STORE_BENCH=1 swift test -c release
/// --disable-xctest --filter StoreBenchmark`. Prints figures; asserts only that the work was done
/// (speed is measured, never asserted).
@Suite(
    "Store benchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["TATTLE_STORE_BENCH"] == "1"))
struct StoreBenchmark {
    @Test("commit → claim → markDelivered, NORMAL and FULL")
    func outbox() async throws {
        for synchronous in [SQLiteStore.Configuration.Synchronous.normal, .full] {
            let dir = try TemporaryDirectory()
            let store = try SQLiteStore(directory: dir.url, configuration: .init(synchronous: synchronous))
            let n = 10_000
            var clock = ContinuousClock.now
            for index in 0..<n {
                try await enqueue(store, ["evt-single-\(index)"])
            }
            let single = clock.duration(to: .now)
            clock = .now
            for batch in 0..<(n / 100) {
                try await enqueue(store, (0..<100).map { "evt-batch-\(batch)-\($0)" })
            }
            let batched = clock.duration(to: .now)
            clock = .now
            var claimed = 0
            while true {
                let rows = try await store.claimDue(now: t0, limit: 100)
                if rows.isEmpty { break }
                try await store.markDelivered(ids: rows.map(\.id), at: t0)
                claimed += rows.count
            }
            let claims = clock.duration(to: .now)
            clock = .now
            var single1 = 0
            for _ in 0..<1_000 {
                try await enqueue(store, ["evt-one-\(single1)"])
                let rows = try await store.claimDue(now: t0, limit: 1)
                try await store.markDelivered(ids: rows.map(\.id), at: t0)
                single1 += rows.count
            }
            let oneByOne = clock.duration(to: .now)
            #expect(claimed == 2 * n)
            #expect(single1 == 1_000)
            print(
                """
                [store-bench] \(synchronous.rawValue): \(n) one-event commits \(rate(n, single)); \
                \(n) events in commits of 100 \(rate(n, batched)); \
                claim(100)+markDelivered of \(claimed) rows \(rate(claimed, claims)); \
                1000 × (commit 1, claim 1, markDelivered) \(rate(1_000, oneByOne))
                """)
            try store.close()
        }
    }

    @Test("Baseline: Event JSON encode and decode alone")
    func jsonBaseline() throws {
        let events = (0..<10_000).map { event("evt-\($0)") }
        var clock = ContinuousClock.now
        let encoder = Event.encoder
        let encoded = try events.map { try encoder.encode($0) }
        let encode = clock.duration(to: .now)
        clock = .now
        let decoder = Event.decoder
        let decoded = try encoded.map { try decoder.decode(Event.self, from: $0) }
        let decode = clock.duration(to: .now)
        #expect(decoded == events)
        print("[store-bench] baseline: Event JSON encode \(rate(10_000, encode)), decode \(rate(10_000, decode))")
    }

    @Test("100,000 invocations × 10 tasks: commit and load")
    func snapshot() async throws {
        let dir = try TemporaryDirectory()
        let store = try SQLiteStore(directory: dir.url)
        // TAT-shaped ids: inv-/invt-/ins- and 8 characters.
        let states = (0..<100_000).map { number in
            InvocationState(
                id: String(format: "inv-%08x", number), status: .success, statusSince: t0, timeout: 60,
                createdTime: t0,
                tasks: (0..<10).map { task in
                    TaskState(
                        id: String(format: "invt-%08x", number * 10 + task),
                        instanceId: String(format: "ins-%08x", task),
                        status: .success, statusSince: t0)
                })
        }
        var clock = ContinuousClock.now
        try await store.commit(CycleCommit(region: "r", upserts: states, markBaselined: true))
        let commit = clock.duration(to: .now)
        try store.close()
        let reopened = try SQLiteStore(directory: dir.url)
        let before = residentBytes()
        clock = .now
        let loaded = try await reopened.loadSnapshot(region: "r")
        let load = clock.duration(to: .now)
        let grown = residentBytes() - before
        #expect(loaded?.count == 100_000)
        #expect(loaded?.last?.tasks.count == 10)
        let size =
            try FileManager.default.attributesOfItem(
                atPath: dir.url.appendingPathComponent(SQLiteStore.fileName).path)[.size] as? Int ?? 0
        let wal =
            try FileManager.default.attributesOfItem(
                atPath: dir.url.appendingPathComponent(SQLiteStore.fileName + "-wal").path)[.size] as? Int ?? 0
        print(
            """
            [store-bench] snapshot 100k×10: commit \(commit), load \(load), RSS +\(grown / 1_048_576) MiB, \
            file \((size + wal) / 1_048_576) MiB
            """)
        try reopened.close()
    }

    private func rate(_ count: Int, _ duration: Duration) -> String {
        let seconds = duration.seconds
        return "\(Int(Double(count) / seconds))/s (\(String(format: "%.2f", seconds)) s)"
    }

    private func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
    }
}
