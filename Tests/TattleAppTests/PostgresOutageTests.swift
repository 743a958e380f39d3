import Curl
import Foundation
import TATSimulator
import TencentCloud
import TestSupport
import Testing

/// `tattle run --store postgres://…` end to end, through a PostgreSQL outage.
@Suite("tattle run on PostgreSQL", .serialized, .timeLimit(.minutes(3)))
struct PostgresOutageTests {
    static let password = "pg-pass-never-shown-4242"

    @Test("PostgreSQL stopped and restarted under load: not ready with the reason, no polls meanwhile, nothing lost")
    func outage() async throws {
        // A server of its own: this test stops it.
        let server = try await PostgresServer.launch()
        defer { server.destroy() }
        let database = try await server.createDatabase()
        try await DaemonEndToEndTests.withWorld { world in
            try world.writeRules(
                """
                { "version": 1,
                  "receivers": { "audit": { "type": "webhook", "format": "event", "url": "\(world.audit.url)/audit" } },
                  "rules": [ { "name": "audit", "match": { "type": "invocation.status_changed" }, "receivers": ["audit"] } ] }
                """)
            let port = try FreePort.pick()
            // The password comes from PGPASSWORD (the test server trusts loopback, so any password works).
            let daemon = try DaemonProcess(
                arguments: [
                    "run", "--rules", world.rules.path, "--state-dir", world.state.path, "--interval", "0.3",
                    "--listen", "127.0.0.1:\(port)", "--log-format", "json", "--shutdown-grace", "1",
                    "--store", server.url(database: database),
                ],
                endpoint: world.endpoint, stderr: world.stderr, statusPort: port,
                extraEnvironment: ["PGPASSWORD": Self.password])
            defer { daemon.kill9() }
            try await daemon.waitUntilReady(timeout: .seconds(30))

            var handles: [InvocationHandle] = []
            var random = SeededRandom(seed: 16)
            func load(for duration: Duration) async throws {
                let end = ContinuousClock.now + duration
                while ContinuousClock.now < end {
                    let tasks = (0..<(1 + Int(random.next() % 3))).map { index in
                        let runFor = Duration.milliseconds(Int64(300 + random.next() % 1500))
                        return InvocationSpec.Task(
                            plan: index == 1 ? TaskStep.failing(after: runFor) : TaskStep.succeeding(after: runFor))
                    }
                    handles.append(
                        await world.simulator.addInvocation(InvocationSpec(commandName: "pg-load", tasks: tasks)))
                    await world.simulator.advance(by: .milliseconds(400))
                    try await Task.sleep(for: .milliseconds(100))
                }
            }

            try await load(for: .seconds(2))
            let beforeOutage = handles.count
            try await server.stop()
            // Not ready, saying why, within a few housekeeping checks; the load goes on meanwhile.
            var notReady = ""
            let deadline = ContinuousClock.now + .seconds(30)
            // (With leases, the stale renewal can make it not ready a moment before the database check says why.)
            while !notReady.contains("state database is unavailable"), ContinuousClock.now < deadline {
                try await load(for: .milliseconds(300))
                if let response = try? await daemon.get("/readyz"), response.status == 503 {
                    notReady = response.bodyText
                }
            }
            #expect(notReady.contains("state database is unavailable"), "readyz: \(notReady)")
            // While it is down, the replica does not poll TAT (a cycle could not be committed).
            try await Task.sleep(for: .milliseconds(500))
            let callsWhileDown = await world.simulator.callCount(action: .describeInvocations)
            try await load(for: .seconds(2))
            #expect(await world.simulator.callCount(action: .describeInvocations) == callsWhileDown)

            // Work that appeared while the database was down must not be lost either.
            #expect(handles.count > beforeOutage)
            try await server.start()
            try await daemon.waitUntilReady(timeout: .seconds(90))
            await world.simulator.advance(by: .seconds(600))
            var finals: [String: String] = [:]
            for handle in handles {
                finals[handle.invocationId] = await world.simulator.invocationStatus(handle.invocationId)?.rawValue
            }
            #expect(finals.values.allSatisfy { FleetInvocationStatus(rawValue: $0)?.isTerminal == true })
            func undelivered() -> [String] {
                var left = finals
                for event in world.audit.requests.flatMap(\.envelopeEvents) {
                    let invocation = (event["invocation"] as? [String: Any])?["id"] as? String ?? ""
                    if left[invocation] == event.eventStatus { left[invocation] = nil }
                }
                return left.keys.sorted()
            }
            do {
                try await eventually("every final status delivered", timeout: .seconds(90)) { undelivered().isEmpty }
            } catch {
                // What a rare failure here needs for a diagnosis: which ones, and what the daemon said.
                let rows = (try? await daemon.get("/api/v1/deliveries?limit=200").bodyText) ?? "(no answer)"
                Issue.record(
                    "undelivered: \(undelivered()); daemon log tail:\n\(daemon.log.suffix(6000))\ndeliveries: \(rows.prefix(6000))")
                throw error
            }
            #expect(undelivered().isEmpty)

            let metrics = try await daemon.get("/metrics").bodyText
            #expect(metrics.contains("tattle_state_database_up 1"))
            for text in [daemon.log, metrics, notReady] {
                #expect(!text.contains(Self.password), "the PostgreSQL password leaked")
            }
            #expect(daemon.log.contains("state database check failed"))
            #expect(daemon.log.contains("state database check passed again"))
        }
        try? await server.dropDatabase(database)
    }
}

extension PostgresOutageTests {
    @Test("An unreachable PostgreSQL at start exits 2 naming the address and the reason, never the password")
    func unreachableAtStart() async throws {
        try await DaemonEndToEndTests.withWorld { world in
            try world.writeRules(world.rulesText())
            let closed = try FreePort.pick()
            let daemon = try DaemonProcess(
                arguments: [
                    "run", "--rules", world.rules.path, "--state-dir", world.state.path, "--listen", "127.0.0.1:0",
                    "--store", "postgres://tattle:\(Self.password)@127.0.0.1:\(closed)/tattle?sslmode=disable",
                ],
                endpoint: world.endpoint, stderr: world.stderr)
            defer { daemon.kill9() }
            #expect(try await daemon.waitForExit(timeout: .seconds(30)) == 2)
            let log = daemon.log
            #expect(log.contains("cannot use the state database postgres://tattle@127.0.0.1:\(closed)/tattle"), "\(log)")
            #expect(log.contains("unavailable"))
            #expect(!log.contains(Self.password))
            // SQLite only: no state directory was locked or created.
            #expect(!FileManager.default.fileExists(atPath: world.state.appendingPathComponent("tattle.lock").path))
        }
    }
}
