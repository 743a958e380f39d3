import Curl
import Foundation
import PostgresStore
import Store
import Synchronization
import TATSimulator
import TattleApp
import TencentCloud
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Three `tattle run` replicas on one real PostgreSQL, two accounts × two regions of simulated
/// fleets (one simulator per account), replicas SIGKILLed and restarted at seeded moments while
/// invocations run.
///
/// Oracle: every final status reaches the webhook; each event id travels under one idempotency key
/// (duplicates only with the same key); no transition is reported under two event ids; no unit is
/// polled by two replicas within one poll interval (from the simulators' call logs: each replica
/// signs with its own SecretId); after every kill and every restart the leases settle balanced
/// (units and lanes within one of each other over the live replicas, each held once); the outbox
/// ends empty with no dead letter.
///
/// Bounded: about 40 s of chaos (`TATTLE_HA_SECONDS`), seed `TATTLE_HA_SEED` (default 20261201).
@Suite(.serialized, .timeLimit(.minutes(4)))
struct ReplicaChaosTests {
    static let accounts = ["alpha", "beta"]
    static let regions = ["ap-guangzhou", "ap-shanghai"]
    static let replicaCount = 3
    static let interval = 1.0

    /// The key pair replica `replica` signs `account`'s calls with.
    static func credentials(account: String, replica: Int) -> Credentials {
        Credentials(
            secretId: "AKID\(account.uppercased())REPLICA\(replica)000000000000",
            secretKey: "\(account)-replica-\(replica)-key-not-a-secret")
    }

    static func rules(endpoints: [String: String], hook: String) -> String {
        let accounts = Self.accounts.map { account in
            """
            {"name": "\(account)", "regions": ["ap-guangzhou", "ap-shanghai"], "endpoint": "\(endpoints[account]!)",
             "credentials": {"source": "environment", "secretIdVariable": "\(account.uppercased())_ID",
                             "secretKeyVariable": "\(account.uppercased())_KEY"}}
            """
        }
        return """
            {
              "version": 1,
              "accounts": [\(accounts.joined(separator: ","))],
              "receivers": {
                "hook": {"type": "webhook", "url": "\(hook)/hook", "format": "event",
                         "rateLimit": {"count": 10000, "perSeconds": 1}, "retry": {"maxAttempts": 50, "maxAge": "1h"}},
                "audit": {"type": "webhook", "url": "\(hook)/audit", "format": "event",
                          "rateLimit": {"count": 10000, "perSeconds": 1}, "retry": {"maxAttempts": 50, "maxAge": "1h"}}
              },
              "rules": [
                {"name": "failures", "match": {"type": "invocation.status_changed", "status": ["FAILED"]},
                 "receivers": ["audit"], "continue": true},
                {"name": "every-change", "match": {"type": "invocation.status_changed"}, "receivers": ["hook"]}
              ]
            }
            """
    }

    /// What the webhook saw: path, idempotency key, events.
    struct Seen: Sendable {
        var path: String
        var key: String?
        var events: [SeenEvent]
    }

    struct SeenEvent: Sendable, Hashable {
        var id: String
        var account: String
        var region: String
        var invocation: String
        var previous: String?
        var status: String
    }

    static func events(in body: [UInt8]) -> [SeenEvent] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let events = object["events"] as? [[String: Any]]
        else { return [] }
        return events.compactMap { event in
            guard let id = event["id"] as? String, let invocation = event["invocation"] as? [String: Any],
                let invocationId = invocation["id"] as? String, let status = event["status"] as? String
            else { return nil }
            return SeenEvent(
                id: id, account: event["account"] as? String ?? "default", region: event["region"] as? String ?? "",
                invocation: invocationId, previous: event["previousStatus"] as? String, status: status)
        }
    }

    @Test func replicasShareTheWorkAndSurviveKills() async throws {
        let environment = ProcessInfo.processInfo.environment
        let chaosSeconds = environment["TATTLE_HA_SECONDS"].flatMap(Double.init) ?? 40
        var random = SeededRandom(seed: environment["TATTLE_HA_SEED"].flatMap(UInt64.init) ?? 20_261_201)
        let binary = try TattleProcess.siblingBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-ha-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let postgres = try await PostgresServer.shared()
        let database = try await postgres.createDatabase()
        let storeURL = postgres.url(database: database)

        var simulators: [String: TATSimulator] = [:]
        for account in Self.accounts {
            let simulator = try await TATSimulator(
                configuration: .init(
                    credentials: (0..<Self.replicaCount).map { Self.credentials(account: account, replica: $0) },
                    seed: random.next(), clockMode: .manual, origin: Date().addingTimeInterval(-600),
                    requestsPerSecond: nil, callLogLimit: 200_000))
            try await simulator.start()
            simulators[account] = simulator
        }
        let seen = Mutex<[Seen]>([])
        let receiver = try await HTTPReceiver(
            default: .dynamic { request in
                seen.withLock {
                    $0.append(Seen(path: request.path, key: request.header("webhook-id"), events: Self.events(in: request.body)))
                }
                return .text(200, "ok")
            }
        ).start()
        var endpoints: [String: String] = [:]
        for (account, simulator) in simulators { endpoints[account] = await simulator.endpoint }
        let rulesFile = directory.appendingPathComponent("rules.json")
        try Data(Self.rules(endpoints: endpoints, hook: receiver.url).utf8).write(to: rulesFile)

        let replicas = (0..<Self.replicaCount).map { index in
            var childEnvironment = environment.filter { !$0.key.hasPrefix("TATTLE_") && !$0.key.hasPrefix("TENCENTCLOUD_") }
            for account in Self.accounts {
                let credentials = Self.credentials(account: account, replica: index)
                childEnvironment["\(account.uppercased())_ID"] = credentials.secretId
                childEnvironment["\(account.uppercased())_KEY"] = credentials.secretKey
            }
            childEnvironment["TATTLE_RETRY_BASE_SECONDS"] = "0.5"
            return TattleProcess(
                name: "r\(index)", binary: binary,
                arguments: [
                    "run", "--rules", rulesFile.path, "--store", storeURL,
                    "--state-dir", directory.appendingPathComponent("state-r\(index)").path,
                    "--interval", "\(Self.interval)", "--log-format", "json", "--shutdown-grace", "1",
                ],
                environment: childEnvironment, logDirectory: directory)
        }
        for replica in replicas { try replica.start() }
        defer { for replica in replicas { replica.stop(SIGKILL) } }

        let units = Self.accounts.count * Self.regions.count
        let lanes = 2
        var settles: [String] = []
        /// Waits until the live replicas' leases are balanced; records how the wait went.
        func settle(_ what: String) async throws {
            let deadline = ContinuousClock.now + .seconds(40)
            while true {
                let live = replicas.filter(\.isRunning)
                var unitCounts: [Int] = []
                var laneCounts: [Int] = []
                var answered = true
                for replica in live {
                    let samples = await replica.metrics()
                    guard let owned = samples["tattle_owned_units"], let ownedLanes = samples["tattle_owned_lanes"] else {
                        answered = false
                        break
                    }
                    unitCounts.append(Int(owned))
                    laneCounts.append(Int(ownedLanes))
                }
                let balanced = { (counts: [Int], total: Int) in
                    counts.reduce(0, +) == total && (counts.max() ?? 0) - (counts.min() ?? 0) <= 1
                }
                if answered, !live.isEmpty, balanced(unitCounts, units), balanced(laneCounts, lanes) {
                    settles.append(what)
                    return
                }
                if ContinuousClock.now >= deadline {
                    Issue.record("leases not balanced after \(what): units \(unitCounts), lanes \(laneCounts)")
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        try await settle("start")

        // Chaos: invocations keep coming; a replica is killed and later restarted.
        var handles: [String: [InvocationHandle]] = [:]
        var kills = 0
        let started = ContinuousClock.now
        var nextChange = started + .seconds(3)
        while ContinuousClock.now - started < .seconds(chaosSeconds) {
            for account in Self.accounts {
                guard let simulator = simulators[account] else { continue }
                for _ in 0..<Int(random.soakUnit() * 2.5) {
                    let tasks = (0..<(1 + Int(random.soakUnit() * 3))).map { _ in
                        let runFor = Duration.milliseconds(Int64(500 + random.soakUnit() * 3000))
                        return InvocationSpec.Task(
                            plan: random.soakUnit() < 0.25 ? TaskStep.failing(after: runFor) : TaskStep.succeeding(after: runFor))
                    }
                    handles[account, default: []].append(
                        await simulator.addInvocation(InvocationSpec(commandName: "ha", tasks: tasks)))
                }
                await simulator.advance(by: .milliseconds(500))
            }
            if ContinuousClock.now >= nextChange {
                if let victim = replicas.filter(\.isRunning).randomElement(using: &random) {
                    victim.stop(SIGKILL)
                    kills += 1
                    try await settle("kill of \(victim.name)")
                    try victim.start()
                    try await settle("restart of \(victim.name)")
                }
                nextChange = ContinuousClock.now + .milliseconds(Int64(1000 + random.soakUnit() * 3000))
            }
            try await Task.sleep(for: .milliseconds(250))
        }

        // Quiet: everything finishes; wait until every final status was delivered.
        var finals: [String: [String: String]] = [:]
        for (account, simulator) in simulators {
            await simulator.advance(by: .seconds(600))
            for handle in handles[account] ?? [] {
                finals[account, default: [:]][handle.invocationId] =
                    await simulator.invocationStatus(handle.invocationId)?.rawValue
            }
        }
        func missing() -> [String] {
            var delivered = Set<String>()
            for entry in seen.withLock({ $0 }) where entry.path == "/hook" {
                for event in entry.events { delivered.insert("\(event.account)/\(event.region)/\(event.invocation)/\(event.status)") }
            }
            var missing: [String] = []
            for (account, statuses) in finals {
                for region in Self.regions {
                    for (invocation, status) in statuses where !delivered.contains("\(account)/\(region)/\(invocation)/\(status)") {
                        missing.append("\(account)/\(region)/\(invocation)/\(status)")
                    }
                }
            }
            return missing.sorted()
        }
        let drainDeadline = ContinuousClock.now + .seconds(40)
        while !missing().isEmpty, ContinuousClock.now < drainDeadline { try await Task.sleep(for: .milliseconds(250)) }
        let left = missing()
        #expect(left.isEmpty, "final statuses never delivered: \(left.count), e.g. \(left.prefix(5))")

        // Clean stop: every replica resigns.
        for replica in replicas { replica.stop(SIGTERM) }
        let stats = try await Self.outboxStats(url: storeURL)
        #expect(stats.pending + stats.inFlight == 0, "outbox not drained: \(stats)")
        #expect(stats.dead == 0, "dead letters: \(stats)")

        // One idempotency key per event id; one event id per transition.
        var keys: [String: Set<String>] = [:]
        var ids: [String: Set<String>] = [:]
        var deliveries = 0
        for entry in seen.withLock({ $0 }) {
            deliveries += 1
            for event in entry.events {
                keys["\(entry.path) \(event.id)", default: []].insert(entry.key ?? "none")
                let transition = "\(event.account)/\(event.region)/\(event.invocation) \(event.previous ?? "new")→\(event.status)"
                ids[transition, default: []].insert(event.id)
            }
        }
        let split = keys.filter { $0.value.count != 1 || $0.value.contains("none") }
        #expect(split.isEmpty, "events under several idempotency keys (or none): \(split.prefix(5))")
        let twice = ids.filter { $0.value.count != 1 }
        #expect(twice.isEmpty, "transitions under several event ids: \(twice.prefix(5))")

        // No unit polled by two replicas within one interval, from the simulators' own logs.
        var overlaps: [String] = []
        var callsByReplica: [String: Int] = [:]
        var handovers = 0
        var closest = Double.infinity
        for (account, simulator) in simulators {
            let calls = await simulator.calls
            for region in Self.regions {
                let unitCalls = calls.filter { $0.region == region && $0.receivedAt != nil && $0.secretId != nil }
                    .sorted { $0.receivedAt! < $1.receivedAt! }
                for (earlier, later) in zip(unitCalls, unitCalls.dropFirst()) where earlier.secretId != later.secretId {
                    let gap = later.receivedAt!.timeIntervalSince(earlier.receivedAt!)
                    handovers += 1
                    closest = min(closest, gap)
                    if gap < Self.interval { overlaps.append("\(account)/\(region): \(String(format: "%.3f", gap)) s") }
                }
                for call in unitCalls { callsByReplica[call.secretId!, default: 0] += 1 }
            }
        }
        #expect(overlaps.isEmpty, "a unit polled by two replicas within one interval: \(overlaps.prefix(5))")
        #expect(callsByReplica.count > 1 && handovers > 0, "the work moved between replicas")

        let logs = replicas.map(\.log).joined()
        for account in Self.accounts {
            for index in 0..<Self.replicaCount {
                #expect(!logs.contains(Self.credentials(account: account, replica: index).secretKey), "a secret key in a log")
            }
        }
        print(
            "ha: \(handles.values.map(\.count).reduce(0, +)) invocations, \(kills) kills, \(deliveries) deliveries, "
                + "settled \(settles.count) times, \(handovers) unit hand-overs (closest \(String(format: "%.2f", closest)) s apart), "
                + "calls by replica \(callsByReplica.values.sorted())")
        await receiver.stop()
        for simulator in simulators.values { await simulator.stop() }
        try? await postgres.dropDatabase(database)
    }

    /// The outbox counts, read through a connection of the test's own.
    static func outboxStats(url: String) async throws -> OutboxStats {
        let connection = try await StoreConnection.open(
            .postgres(try PostgresAddress(url: url)), access: .command, logger: PostgresServer.quietLogger)
        do {
            let stats = try await connection.database.stats(now: Date())
            await connection.close()
            return stats
        } catch {
            await connection.close()
            throw error
        }
    }
}
