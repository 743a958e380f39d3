import Events
import Foundation
import Pipeline
import Store
import Synchronization
import TATSimulator
import TencentCloud
import Timekeeping
import Watcher

/// Polling economy, per listing order (TAT documents none, so newest first and oldest first are both
/// measured): `DescribeInvocations` calls and wall time per steady poll cycle with 10,000 retained and
/// 50 active invocations, and how long a new invocation takes to be noticed with the watcher polling
/// every second, each next to a naive full-scan poller (pages everything, `Limit` 100, every cycle —
/// what a cron job around `tccli` does) measured against the same simulator in the same run.
/// Client- and server-side rate limits are off for both, so the wall times are transport + signing +
/// decoding only (with TAT's 20 req/s limit the full scan would take ≥ 5 s per cycle).
enum EconomyScenario {
    static let orders: [ListingOrder] = [.newestFirst, .oldestFirst]

    static func run(retained: Int = 10_000, active: Int = 50, cycles: Int = 5, samples: Int = 5) async throws
        -> [Figure]
    {
        var figures: [Figure] = []
        for order in orders {
            let simulator = try await TATSimulator(
                configuration: .init(seed: 11, requestsPerSecond: nil, listingOrder: order))
            try await simulator.start()
            do {
                figures += try await measure(
                    simulator, order: order, retained: retained, active: active, cycles: cycles, samples: samples)
                await simulator.stop()
            } catch {
                await simulator.stop()
                throw error
            }
        }
        return figures
    }

    private static func measure(
        _ simulator: TATSimulator, order: ListingOrder, retained: Int, active: Int, cycles: Int, samples: Int
    ) async throws -> [Figure] {
        await simulator.seedRetained(count: retained, active: active)
        guard let endpoint = Endpoint(parsing: await simulator.endpoint) else { throw BenchError("bad endpoint") }
        let client = TATClient(
            credentials: TATSimulator.testCredentials,
            configuration: .init(endpoint: endpoint, retry: .none, requestsPerSecond: nil))
        let store = try SQLiteStore.inMemory()
        let detections = Detections()
        let sink = ClosureSink { region, diff, baseline in
            try await StoreSink(store: store).commit(region: region, diff: diff, baseline: baseline)
            detections.record(diff.events.filter { $0.previousStatus == nil }.map(\.invocation.id))
        }
        let watcher = Watcher(configuration: .init(interval: .seconds(1)), reader: client, store: store, sink: sink)
        let poller = watcher.pollers[0]
        let clock = ContinuousClock()

        // Baseline listing (not measured), then steady cycles.
        let baseline = try await poller.poll()
        guard baseline.kind == .baseline else { throw BenchError("expected a baseline cycle, got \(baseline.kind)") }
        var calls: [Double] = []
        var walls: [Double] = []
        for _ in 0..<cycles {
            await simulator.advance(by: .seconds(1))
            await simulator.resetCounts()
            let started = clock.now
            _ = try await poller.poll()
            walls.append((clock.now - started).milliseconds)
            calls.append(Double(await simulator.callCount(action: .describeInvocations)))
        }
        let tracked = await poller.trackedCount
        let learnt = await poller.listingOrder?.rawValue ?? "none"

        // The naive poller: page through everything every cycle and keep id → status.
        var naiveCalls: [Double] = []
        var naiveWalls: [Double] = []
        var naiveSeen = 0
        for _ in 0..<cycles {
            await simulator.advance(by: .seconds(1))
            await simulator.resetCounts()
            let started = clock.now
            naiveSeen = try await fullScan(client).count
            naiveWalls.append((clock.now - started).milliseconds)
            naiveCalls.append(Double(await simulator.callCount(action: .describeInvocations)))
        }

        // Detection latency, both polling every second in real time.
        let watching = Task { await watcher.run() }
        let latencies = try await latency(simulator, samples: samples, detections: detections)
        watching.cancel()
        await watching.value
        let naiveDetections = Detections()
        let scanning = Task {
            var known = (try? await fullScan(client)) ?? []
            while !Task.isCancelled {
                let started = clock.now
                if let ids = try? await fullScan(client) {
                    naiveDetections.record(ids.filter { !known.contains($0) })
                    known = ids
                }
                try? await clock.sleep(for: max(.milliseconds(10), .seconds(1) - (clock.now - started)))
            }
        }
        try await Task.sleep(for: .seconds(2))  // the scanner's first listing
        let naiveLatencies = try await latency(simulator, samples: samples, detections: naiveDetections)
        scanning.cancel()
        await scanning.value

        let label = order == .newestFirst ? "newest first" : "oldest first"
        let bound = Double((active + 99) / 100 + 2)
        let meanCalls = calls.reduce(0, +) / Double(calls.count)
        let meanNaive = naiveCalls.reduce(0, +) / Double(naiveCalls.count)
        let ratio = meanNaive / max(meanCalls, 1)
        let wall = percentile(walls, 50)
        let naiveWall = percentile(naiveWalls, 50)
        let detected = latencies.compactMap { $0 }
        let naiveDetected = naiveLatencies.compactMap { $0 }
        let worst = detected.max() ?? .infinity
        return [
            Figure(
                name: "DescribeInvocations calls per steady cycle, listing \(label) "
                    + "(\(retained / 1000)k retained, \(active) active)",
                value: meanCalls, unit: "calls", baseline: meanNaive, baselineName: "naive full scan",
                target: "≤ ceil(active/100) + 2 = \(Int(bound))", met: (calls.max() ?? 99) <= bound,
                note: "mean of \(cycles) steady cycles after the baseline; order learnt: \(learnt); watcher tracks "
                    + "\(tracked), full scan saw \(naiveSeen); rate limits off (client and simulator)"),
            Figure(
                name: "calls saved vs full scan, listing \(label)", value: ratio, unit: "×", baseline: 1,
                baselineName: "naive full scan", target: "≥ 30×", met: ratio >= 30),
            Figure(
                name: "wall time per steady cycle (median), listing \(label)", value: wall, unit: "ms",
                baseline: naiveWall, baselineName: "naive full scan", target: "< full scan", met: wall < naiveWall,
                note: "loopback, TC3 signing + simulator + decode + diff + SQLite commit"),
            Figure(
                name: "new invocation noticed after (worst of \(samples)), listing \(label), 1 s interval",
                value: worst * 1000, unit: "ms", baseline: (naiveDetected.max() ?? .infinity) * 1000,
                baselineName: "naive full scan, 1 s interval", target: "≤ 2 intervals (2000 ms), all noticed",
                met: detected.count == samples && worst <= 2,
                note: "median \(Int(percentile(detected, 50) * 1000)) ms vs full scan "
                    + "\(Int(percentile(naiveDetected, 50) * 1000)) ms; noticed \(detected.count)/\(samples) vs "
                    + "\(naiveDetected.count)/\(samples); creation to commit, real time"),
        ]
    }

    /// Every invocation id, paging `Limit` 100 from offset 0 to the end.
    static func fullScan(_ client: TATClient) async throws -> Set<String> {
        var ids = Set<String>()
        var offset = 0
        while true {
            let page = try await client.describeInvocations(.init(limit: 100, offset: offset))
            for invocation in page.invocationSet { if let id = invocation.invocationId { ids.insert(id) } }
            offset += page.invocationSet.count
            if page.invocationSet.isEmpty || offset >= page.totalCount { return ids }
        }
    }

    /// Creates `samples` invocations 1.3 s apart (so they land at different phases of the 1 s
    /// interval) and returns, per invocation, the seconds until `detections` saw it (nil: not within 5 s).
    static func latency(_ simulator: TATSimulator, samples: Int, detections: Detections) async throws -> [Double?] {
        var created: [(String, ContinuousClock.Instant)] = []
        for _ in 0..<samples {
            try await Task.sleep(for: .milliseconds(1300))
            let id = await simulator.addInvocation().invocationId
            created.append((id, ContinuousClock.now))
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, !created.allSatisfy({ detections.at($0.0) != nil }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        return created.map { id, at in detections.at(id).map { ($0 - at).seconds } }
    }
}

/// When each invocation id was first noticed.
final class Detections: Sendable {
    private let seen = Mutex<[String: ContinuousClock.Instant]>([:])

    func record(_ ids: some Sequence<String>) {
        let now = ContinuousClock.now
        seen.withLock { seen in
            for id in ids where seen[id] == nil { seen[id] = now }
        }
    }

    func at(_ id: String) -> ContinuousClock.Instant? { seen.withLock { $0[id] } }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
