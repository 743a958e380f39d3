import Foundation
import Store
import TATSimulator
import TencentCloud
import Watcher

/// Polling economy: `DescribeInvocations` calls and wall time per steady poll cycle with 10,000
/// retained and 50 active invocations, against the TAT simulator on loopback, next to a naive
/// full-scan poller (pages everything, `Limit` 100, every cycle — what a cron job around `tccli`
/// does). Both use the same client; client- and server-side rate limits are off for both, so the
/// wall times are transport + signing + decoding only (with TAT's 20 req/s limit the full scan
/// would take ≥ 5 s per cycle).
enum EconomyScenario {
    static func run(retained: Int = 10_000, active: Int = 50, cycles: Int = 5) async throws -> [Figure] {
        let simulator = try await TATSimulator(configuration: .init(seed: 11, requestsPerSecond: nil))
        try await simulator.start()
        do {
            let figures = try await measure(simulator, retained: retained, active: active, cycles: cycles)
            await simulator.stop()
            return figures
        } catch {
            await simulator.stop()
            throw error
        }
    }

    private static func measure(_ simulator: TATSimulator, retained: Int, active: Int, cycles: Int) async throws
        -> [Figure]
    {
        await simulator.seedRetained(count: retained, active: active)
        guard let endpoint = Endpoint(parsing: await simulator.endpoint) else { throw BenchError("bad endpoint") }
        let client = TATClient(
            credentials: TATSimulator.testCredentials,
            configuration: .init(endpoint: endpoint, retry: .none, requestsPerSecond: nil))
        let store = try SQLiteStore.inMemory()
        let watcher = Watcher(
            configuration: .init(interval: .seconds(1)), reader: client, store: store, sink: StoreSink(store: store))
        let poller = watcher.pollers[0]
        let clock = ContinuousClock()

        // Baseline listing (not measured), then steady cycles.
        let baseline = try await poller.poll()
        guard baseline.kind == .baseline else { throw BenchError("expected a baseline cycle, got \(baseline.kind)") }
        var calls: [Double] = []
        var walls: [Double] = []
        var events = 0
        for _ in 0..<cycles {
            await simulator.advance(by: .seconds(1))
            await simulator.resetCounts()
            let started = clock.now
            let report = try await poller.poll()
            walls.append((clock.now - started).milliseconds)
            events += report.diff.events.count
            calls.append(Double(await simulator.callCount(action: .describeInvocations)))
        }
        let tracked = await poller.trackedCount

        // The naive poller: page through everything every cycle and keep id → status.
        var naiveCalls: [Double] = []
        var naiveWalls: [Double] = []
        var naiveSeen = 0
        for _ in 0..<cycles {
            await simulator.advance(by: .seconds(1))
            await simulator.resetCounts()
            let started = clock.now
            var statuses: [String: String] = [:]
            var offset = 0
            while true {
                let page = try await client.describeInvocations(.init(limit: 100, offset: offset))
                for invocation in page.invocationSet {
                    if let id = invocation.invocationId { statuses[id] = invocation.invocationStatus ?? "" }
                }
                offset += page.invocationSet.count
                if page.invocationSet.isEmpty || offset >= page.totalCount { break }
            }
            naiveWalls.append((clock.now - started).milliseconds)
            naiveCalls.append(Double(await simulator.callCount(action: .describeInvocations)))
            naiveSeen = statuses.count
        }

        let meanCalls = calls.reduce(0, +) / Double(calls.count)
        let meanNaive = naiveCalls.reduce(0, +) / Double(naiveCalls.count)
        let ratio = meanNaive / max(meanCalls, 1)
        let wall = percentile(walls, 50)
        let naiveWall = percentile(naiveWalls, 50)
        return [
            Figure(
                name: "DescribeInvocations calls per steady cycle (\(retained / 1000)k retained, \(active) active)",
                value: meanCalls, unit: "calls", baseline: meanNaive, baselineName: "naive full scan",
                target: "≤ 2", met: (calls.max() ?? 99) <= 2,
                note: "mean of \(cycles) steady cycles after the baseline; watcher tracks \(tracked), "
                    + "full scan saw \(naiveSeen); \(events) events; rate limits off (client and simulator)"),
            Figure(
                name: "calls saved vs full scan", value: ratio, unit: "×", baseline: 1,
                baselineName: "naive full scan", target: "≥ 50×", met: ratio >= 50),
            Figure(
                name: "wall time per steady cycle (median)", value: wall, unit: "ms", baseline: naiveWall,
                baselineName: "naive full scan", target: "< full scan", met: wall < naiveWall,
                note: "loopback, TC3 signing + simulator + decode + diff + SQLite commit"),
        ]
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
