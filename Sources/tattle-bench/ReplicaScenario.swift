import Foundation
import Synchronization
import TATSimulator
import TencentCloud
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Replicas on one PostgreSQL (the real `tattle run` binary, several processes, a loopback
/// simulator): how long a watch unit goes unpolled when its owner is SIGKILLed — from the kill to
/// the first `DescribeInvocations` of the new owner, p50 and p99 over 20 kills, next to the poll
/// interval — and `DescribeInvocations` calls per unit and cycle with three replicas next to one
/// (sharing the work must not add calls).
///
/// Leases follow the poll interval (1 s here): renewals every second, a 3 s TTL, a 1 s hand-over
/// pause, so a failover is expected within TTL + one round + the pause ≈ 5 s.
enum ReplicaScenario {
    static let interval = 1.0
    static let regions = ["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu"]

    static func credentials(_ replica: Int) -> Credentials {
        Credentials(secretId: "AKIDBENCHREPLICA\(replica)00000000000000", secretKey: "bench-replica-\(replica)-key")
    }

    static func run(kills: Int = 20) async throws -> [Figure] {
        let postgres = try await PostgresServer.shared()
        let failover = try await measureFailover(postgres, kills: kills)
        let one = try await callsPerCycle(postgres, replicas: 1)
        let three = try await callsPerCycle(postgres, replicas: 3)
        let p50 = percentile(failover, 50)
        let p99 = percentile(failover, 99)
        let bound = interval * 3 + interval + interval
        return [
            Figure(
                name: "failover p50 (SIGKILL of the owner → first poll by the new owner, \(failover.count) kills)",
                value: p50, unit: "s", baseline: interval, baselineName: "poll interval",
                target: "≤ TTL + round + pause = \(Report.format(bound)) s", met: p50 <= bound),
            Figure(
                name: "failover p99", value: p99, unit: "s", baseline: interval, baselineName: "poll interval",
                target: "≤ \(Report.format(bound + interval)) s", met: p99 <= bound + interval,
                note: "lease TTL 3 × renewal (renewal = poll interval up to 5 s); the default 10 s interval gives 15 s + 5 s + 10 s"),
            Figure(
                name: "DescribeInvocations per unit and cycle, 3 replicas (4 units, 150 active)", value: three,
                unit: "calls", baseline: one, baselineName: "1 replica", target: "equal (± 0.1)",
                met: abs(three - one) <= 0.1),
        ]
    }

    /// A simulator, a database, a webhook sink and `count` replicas of `tattle run` watching `regions`.
    final class Setup: Sendable {
        let simulator: TATSimulator
        let replicas: [TattleProcess]
        let directory: URL
        let database: String
        let postgres: PostgresServer
        let sink: HTTPReceiver

        init(_ postgres: PostgresServer, replicas count: Int, regions: [String]) async throws {
            self.postgres = postgres
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-bench-ha-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            database = try await postgres.createDatabase()
            simulator = try await TATSimulator(
                configuration: .init(
                    credentials: (0..<3).map(ReplicaScenario.credentials), seed: 5, requestsPerSecond: nil,
                    callLogLimit: 1_000_000))
            try await simulator.start()
            sink = try await HTTPReceiver().start()
            let rules = directory.appendingPathComponent("rules.json")
            try Data(
                """
                {"version": 1, "receivers": {"hook": {"type": "webhook", "url": "\(sink.url)/hook", "format": "event"}},
                 "rules": [{"name": "all", "match": {"type": "invocation.status_changed"}, "receivers": ["hook"]}]}
                """.utf8
            ).write(to: rules)
            let binary = try ReplicaScenario.currentTattle()
            let endpoint = await simulator.endpoint
            let url = postgres.url(database: database)
            let directory = directory
            replicas = (0..<count).map { index in
                var environment = ProcessInfo.processInfo.environment.filter {
                    !$0.key.hasPrefix("TATTLE_") && !$0.key.hasPrefix("TENCENTCLOUD_")
                }
                environment["TENCENTCLOUD_SECRET_ID"] = ReplicaScenario.credentials(index).secretId
                environment["TENCENTCLOUD_SECRET_KEY"] = ReplicaScenario.credentials(index).secretKey
                return TattleProcess(
                    name: "r\(index)", binary: binary,
                    arguments: [
                        "run", "--rules", rules.path, "--store", url, "--endpoint", endpoint,
                        "--state-dir", directory.appendingPathComponent("state-\(index)").path,
                        "--interval", "\(ReplicaScenario.interval)", "--log-level", "error",
                    ] + regions.flatMap { ["--region", $0] },
                    environment: environment, logDirectory: directory)
            }
        }

        func stop() async {
            for replica in replicas { replica.stop(SIGTERM) }
            await simulator.stop()
            await sink.stop()
            try? await postgres.dropDatabase(database)
            try? FileManager.default.removeItem(at: directory)
        }

        /// The DescribeInvocations calls so far: (replica index, region, arrival).
        func polls() async -> [(replica: Int, region: String, at: Date)] {
            await simulator.calls.compactMap { call in
                guard call.action == "DescribeInvocations", let id = call.secretId, let region = call.region,
                    let at = call.receivedAt,
                    let replica = (0..<3).first(where: { ReplicaScenario.credentials($0).secretId == id })
                else { return nil }
                return (replica, region, at)
            }
        }
    }

    /// The `tattle` binary beside this one, refused when it is older than this one: `swift build
    /// --product tattle-bench` (and `swift run tattle-bench`) build only the bench, and replicas of
    /// a stale daemon would measure old code or not start at all.
    static func currentTattle() throws -> URL {
        let binary = try TattleProcess.siblingBinary()
        let bench = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        func modified(_ url: URL) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
        }
        if let daemon = modified(binary), let own = modified(bench), daemon < own {
            throw BenchError(
                "\(binary.path) is older than tattle-bench; build both first: swift build -c release")
        }
        return binary
    }

    /// Runs `body` with a fresh setup, stopped afterwards whatever `body` did.
    static func with<T: Sendable>(
        _ postgres: PostgresServer, replicas: Int, regions: [String], _ body: (Setup) async throws -> T
    ) async throws -> T {
        let setup = try await Setup(postgres, replicas: replicas, regions: regions)
        do {
            let result = try await body(setup)
            await setup.stop()
            return result
        } catch {
            await setup.stop()
            throw error
        }
    }

    /// Waits for `condition`, at most `timeout`.
    static func until(_ timeout: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw BenchError("timed out") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Two replicas, one unit: kill whoever polls it, time until the other polls it.
    static func measureFailover(_ postgres: PostgresServer, kills: Int) async throws -> [Double] {
        try await with(postgres, replicas: 2, regions: ["ap-guangzhou"]) { setup in try await failovers(setup, kills: kills) }
    }

    private static func failovers(_ setup: Setup, kills: Int) async throws -> [Double] {
        for replica in setup.replicas { try replica.start() }
        var samples: [Double] = []
        for _ in 0..<kills {
            // Both live (each sees two replicas), and the unit polled steadily by one of them.
            try await until(.seconds(60)) {
                var live = 0
                for replica in setup.replicas where await replica.metrics()["tattle_live_replicas"] == 2 { live += 1 }
                return live == 2
            }
            try await until(.seconds(60)) { await setup.polls().last.map { Date().timeIntervalSince($0.at) < 2 } ?? false }
            guard let owner = await setup.polls().last?.replica else { continue }
            let killedAt = Date()
            setup.replicas[owner].stop(SIGKILL)
            try await until(.seconds(60)) { await setup.polls().contains { $0.replica != owner && $0.at > killedAt } }
            if let first = await setup.polls().first(where: { $0.replica != owner && $0.at > killedAt }) {
                samples.append(first.at.timeIntervalSince(killedAt))
            }
            try setup.replicas[owner].start()
        }
        return samples
    }

    /// `replicas` replicas on four units over a fleet with 150 active invocations: DescribeInvocations
    /// calls per unit per interval, counted over 15 steady seconds once the leases settled.
    static func callsPerCycle(_ postgres: PostgresServer, replicas count: Int) async throws -> Double {
        try await with(postgres, replicas: count, regions: regions) { setup in try await callsPerCycle(setup) }
    }

    private static func callsPerCycle(_ setup: Setup) async throws -> Double {
        await setup.simulator.seedRetained(count: 1_000, active: 150)
        for replica in setup.replicas { try replica.start() }
        try await until(.seconds(90)) {
            var owned = 0.0
            for replica in setup.replicas { owned += await replica.metrics()["tattle_owned_units"] ?? 0 }
            let polled = Set(await setup.polls().map(\.region))
            return owned == Double(regions.count) && polled.count == regions.count
        }
        try await Task.sleep(for: .seconds(5))  // every unit past its first (full) listing
        let start = Date()
        let before = await setup.polls().count
        try await Task.sleep(for: .seconds(15))
        let calls = await setup.polls().count - before
        let cycles = Date().timeIntervalSince(start) / interval * Double(regions.count)
        return Double(calls) / cycles
    }
}
