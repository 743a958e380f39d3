import Events
import Foundation
import Logging
import Store
import Synchronization
import TATSimulator
import TencentCloud
import Timekeeping

/// `tattle demo`: the whole product on loopback with no cloud account. Starts the TAT simulator with
/// a scripted fleet, a local webhook receiver that prints what it gets, and the daemon with demo
/// rules; runs for `seconds` (default 30), then shuts down gracefully and prints a summary.
public struct DemoRunner: Sendable {
    /// How long the daemon runs; default 30 s.
    public var seconds: Double = 30
    /// The simulator's seed; default 7.
    public var seed: UInt64 = 7
    /// Keep the temporary state directory (its path is printed); default false.
    public var keepState = false

    public init() {}

    /// Runs the demo, writing to standard output.
    public func run(print: @escaping @Sendable (String) -> Void = { Swift.print($0) }) async throws {
        LogSetup.bootstrap(format: .text, level: .warning)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tattle-demo-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { if !keepState { try? FileManager.default.removeItem(at: directory) } }

        let simulator = try await TATSimulator(
            configuration: .init(seed: seed, clockMode: .realTime(speed: 1), script: FleetScript.named("demo")))
        try await simulator.start()
        let receiver = DemoReceiver(print: print)
        try await receiver.start()
        let endpoint = await simulator.endpoint
        let port = await receiver.port

        let rules = directory.appendingPathComponent("rules.json")
        try Data(Self.rules(receiverPort: port).utf8).write(to: rules)
        print("Tattle demo — everything on loopback, no cloud account")
        print("  TAT simulator   \(endpoint)  (scripted fleet, seed \(seed))")
        print("  webhook sink    http://127.0.0.1:\(port)  (WeCom-style robot + generic JSON endpoint)")
        print("  rules           \(rules.path)")
        print("  running for \(Int(seconds)) s: events (→) and deliveries (⇠) scroll by\n")

        var options = DaemonOptions()
        options.rulesFile = rules
        options.watch.stateDirectory = directory.appendingPathComponent("state", isDirectory: true)
        options.watch.interval = 1
        options.watch.backfill = 60
        options.listen = "127.0.0.1:0"
        options.shutdownGrace = 3
        let credentials = TATSimulator.testCredentials
        let environment = [
            "TENCENTCLOUD_SECRET_ID": credentials.secretId, "TENCENTCLOUD_SECRET_KEY": credentials.secretKey,
            "TENCENTCLOUD_REGION": "ap-guangzhou", "TATTLE_ENDPOINT": endpoint,
        ]
        let counts = Mutex<[String: Int]>([:])
        let daemon = Daemon(options: options, environment: environment) { events in
            for event in events {
                counts.withLock { $0[event.type.rawValue, default: 0] += 1 }
                guard event.type == .invocationStatusChanged || event.task.map({ $0.status.needsDetails }) == true
                else { continue }
                var line = "  → \(event.type) \(event.invocation.commandName ?? event.invocation.id) "
                line += "\(event.previousStatus?.rawValue ?? "new") → \(event.status)"
                if let task = event.task {
                    line += " on \(task.instanceId)" + (task.exitCode.map { " (exit \($0))" } ?? "")
                }
                print(line)
            }
        }
        try await daemon.run(logger: Logger(label: "tattle.demo"), stopAfter: .milliseconds(ofSeconds: seconds, rounding: .towardZero))
        await receiver.stop()
        await simulator.stop()

        let store = try SQLiteStore(directory: options.watch.stateDirectory)
        let stats = try await store.stats(now: Date())
        let rows = try await store.rows(in: Set(DeliveryState.allCases), limit: 100_000)
        try store.close()
        let retried = rows.filter { $0.state == .delivered && $0.attempts > 1 }.count
        let events = counts.withLock { $0 }
        print("\nSummary")
        print("  events seen          \(events.values.reduce(0, +))  (" +
            events.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        print("  notifications        \(rows.count) queued, \(stats.delivered) delivered, \(retried) retried, "
            + "\(stats.dead) dead, \(stats.pending + stats.inFlight) still pending")
        print("  messages received    \(await receiver.count)")
        if keepState { print("  state kept in        \(options.watch.stateDirectory.path)") }
    }

    /// The demo rules: failures to a WeCom-style robot (task failures grouped per invocation), every
    /// invocation change to a generic JSON endpoint.
    static func rules(receiverPort port: UInt16) -> String {
        """
        // Demo rules written by `tattle demo`; see rules.example.json for every feature.
        {
          "version": 1,
          "receivers": {
            "ops-wecom": {
              "type": "wecom",
              "url": "http://127.0.0.1:\(port)/cgi-bin/webhook/send?key=demo-robot-key-4f1c2a",
              "format": "markdown",
              "rateLimit": { "count": 120, "perSeconds": 60 },
              "retry": { "maxAttempts": 5 },
            },
            "audit-webhook": {
              "type": "webhook",
              "url": "http://127.0.0.1:\(port)/audit",
              "format": "event",
              "secret": "whsec_ZGVtby1zaWduaW5nLXNlY3JldC0xMjM0NQ==",
            },
          },
          "rules": [
            {
              "name": "invocation-failed",
              "match": { "type": "invocation.status_changed", "status": ["FAILED", "PARTIAL_FAILED", "TIMEOUT"] },
              "receivers": ["ops-wecom"],
              "continue": true,
            },
            {
              "name": "task-failures",
              "match": { "type": "task.status_changed", "status": ["FAILED", "TIMEOUT", "TASK_TIMEOUT", "START_FAILED", "DELIVER_FAILED"] },
              "receivers": ["ops-wecom"],
              "groupBy": ["invocation.id"],
              "groupWait": "2s",
              "continue": true,
            },
            {
              "name": "audit-every-invocation-change",
              "match": { "type": "invocation.status_changed" },
              "receivers": ["audit-webhook"],
            },
          ],
        }
        """
    }
}
