import Curl
import Foundation
import Rules
import TATSimulator
import TencentCloud
import TestSupport
import Testing

@testable import TattleApp

#if canImport(Glibc)
    import Glibc
#endif

/// Several accounts in one `tattle run`: two TAT simulators that each know only their own key pair,
/// one account per simulator, a webhook receiver, and reloads that add and remove accounts.
@Suite("tattle run with several accounts", .serialized, .timeLimit(.minutes(2)))
struct AccountsDaemonTests {
    static let prodKeys = Credentials(secretId: "AKIDPRODACCOUNT0000000000000000001", secretKey: "prod-secret-key-5e1f")
    static let stagingKeys = Credentials(
        secretId: "AKIDSTAGINGACCOUNT000000000000002", secretKey: "staging-secret-key-9c2d")

    final class World: @unchecked Sendable {
        let directory: URL
        let prod: TATSimulator
        let staging: TATSimulator
        let hooks = HTTPReceiver()
        var rules: URL { directory.appendingPathComponent("rules.json") }

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-accounts-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            prod = try await TATSimulator(
                configuration: .init(credentials: [AccountsDaemonTests.prodKeys], seed: 21, clockMode: .manual))
            staging = try await TATSimulator(
                configuration: .init(credentials: [AccountsDaemonTests.stagingKeys], seed: 22, clockMode: .manual))
            try await prod.start()
            try await staging.start()
            try await hooks.start()
        }

        func close() async {
            await prod.stop()
            await staging.stop()
            await hooks.stop()
            try? FileManager.default.removeItem(at: directory)
        }

        /// An account entry reading its keys from `<PREFIX>_SECRET_ID` / `_KEY`, polling `simulator`.
        func account(_ name: String, prefix: String, simulator: TATSimulator) async -> String {
            """
            {"name": "\(name)", "regions": ["ap-guangzhou"], "endpoint": "\(await simulator.endpoint)",
             "credentials": {"source": "environment", "secretIdVariable": "\(prefix)_SECRET_ID",
                             "secretKeyVariable": "\(prefix)_SECRET_KEY"}}
            """
        }

        /// Every invocation change to `/all`; `prod`'s also to `/prod`.
        func writeRules(accounts: [String]) throws {
            let text = """
                {"version": 1,
                 "accounts": [\(accounts.joined(separator: ",\n"))],
                 "receivers": {
                   "all": {"type": "webhook", "format": "event", "url": "\(hooks.url)/all"},
                   "prod": {"type": "webhook", "format": "event", "url": "\(hooks.url)/prod"}},
                 "rules": [
                   {"name": "prod-only", "match": {"account": "prod", "type": "invocation.status_changed"},
                    "receivers": ["prod"], "continue": true},
                   {"name": "all", "match": {"type": "invocation.status_changed"}, "receivers": ["all"]}]}
                """
            try Data(text.utf8).write(to: rules, options: .atomic)
        }

        func startDaemon() throws -> DaemonProcess {
            let port = try FreePort.pick()
            return try DaemonProcess(
                arguments: [
                    "run", "--rules", rules.path, "--state-dir", directory.appendingPathComponent("state").path,
                    "--interval", "0.3", "--listen", "127.0.0.1:\(port)", "--log-format", "json",
                    "--shutdown-grace", "1",
                ],
                endpoint: "http://127.0.0.1:9", stderr: directory.appendingPathComponent("stderr.log"),
                statusPort: port,
                extraEnvironment: [
                    "PROD_SECRET_ID": AccountsDaemonTests.prodKeys.secretId,
                    "PROD_SECRET_KEY": AccountsDaemonTests.prodKeys.secretKey,
                    "STAGING_SECRET_ID": AccountsDaemonTests.stagingKeys.secretId,
                    "STAGING_SECRET_KEY": AccountsDaemonTests.stagingKeys.secretKey,
                    "ROTATED_SECRET_ID": AccountsDaemonTests.stagingKeys.secretId,
                    "ROTATED_SECRET_KEY": AccountsDaemonTests.stagingKeys.secretKey,
                ])
        }

        /// (account, command name, status) of every event received at `path`.
        func events(at path: String) -> [(account: String, command: String, status: String)] {
            hooks.requests.filter { $0.path == path }.flatMap(\.envelopeEvents).map { event in
                (
                    event["account"] as? String ?? "-",
                    (event["invocation"] as? [String: Any])?["commandName"] as? String ?? "-", event.eventStatus
                )
            }
        }

        /// Rules with prod and a second account on the staging simulator, keys under `prefix`.
        func writeRules(prodAnd name: String, prefix: String) async throws {
            try writeRules(accounts: [
                await account("prod", prefix: "PROD", simulator: prod),
                await account(name, prefix: prefix, simulator: staging),
            ])
        }

        func addInvocation(_ simulator: TATSimulator, command: String) async {
            var spec = InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(3)))])
            spec.commandName = command
            await simulator.addInvocation(spec)
        }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        try await using(try await World(), close: { await $0.close() }, body)
    }

    @Test("two accounts with their own keys: events carry their account, a rule matches one account only")
    func twoAccounts() async throws {
        try await Self.withWorld { world in
            try await world.writeRules(prodAnd: "staging", prefix: "STAGING")
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }
            try await daemon.waitUntilReady()

            await world.addInvocation(world.prod, command: "prod-deploy")
            await world.addInvocation(world.staging, command: "staging-deploy")
            try await eventually("both accounts' events") { world.events(at: "/all").count == 2 }
            let all = world.events(at: "/all").sorted { $0.account < $1.account }
            #expect(all.map(\.account) == ["prod", "staging"])
            #expect(all.map(\.command) == ["prod-deploy", "staging-deploy"])
            try await eventually("the prod-only rule") { world.events(at: "/prod").count == 1 }
            #expect(world.events(at: "/prod").map(\.command) == ["prod-deploy"])

            // Each simulator verified every signature with the one key pair it knows.
            for simulator in [world.prod, world.staging] {
                let calls = await simulator.calls
                #expect(!calls.isEmpty)
                #expect(calls.allSatisfy { $0.errorCode == nil }, "\(calls.compactMap(\.errorCode))")
            }
            let metrics = try await daemon.get("/metrics").bodyText
            #expect(metrics.contains(#"account="prod""#) && metrics.contains(#"account="staging""#))
            let page = try await daemon.get("/").bodyText
            #expect(page.contains("prod / ap-guangzhou") && page.contains("staging / ap-guangzhou"))

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            for secret in [Self.prodKeys.secretKey, Self.stagingKeys.secretKey] {
                #expect(!daemon.log.contains(secret), "the log leaks a secret key")
            }
        }
    }

    @Test("a reload adds and removes accounts without a restart")
    func reload() async throws {
        try await Self.withWorld { world in
            try world.writeRules(accounts: [await world.account("prod", prefix: "PROD", simulator: world.prod)])
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }
            try await daemon.waitUntilReady()
            #expect(await world.staging.calls.isEmpty, "staging is not configured yet")

            // Add staging.
            var offset = daemon.log.count
            try await world.writeRules(prodAnd: "staging", prefix: "STAGING")
            try await daemon.waitForLog("1 units started, 0 stopped", after: offset)
            try await daemon.waitForLog("baseline recorded", after: offset)
            await world.addInvocation(world.staging, command: "staging-deploy")
            try await eventually("staging's event") { world.events(at: "/all").map(\.account) == ["staging"] }

            // Remove prod: its simulator is no longer called; staging keeps polling undisturbed.
            offset = daemon.log.count
            try world.writeRules(accounts: [await world.account("staging", prefix: "STAGING", simulator: world.staging)]
            )
            try await daemon.waitForLog("0 units started, 1 stopped", after: offset)
            await world.addInvocation(world.prod, command: "prod-deploy")
            await world.addInvocation(world.staging, command: "staging-again")
            try await eventually("staging's second event") { world.events(at: "/all").count == 2 }
            #expect(world.events(at: "/all").map(\.command) == ["staging-deploy", "staging-again"])
            #expect(world.events(at: "/prod").isEmpty)
            // Counted from here: a request prod's poller had already sent when it was stopped may
            // reach the simulator after the log line; by now staging has run whole cycles since.
            let prodCalls = await world.prod.calls.count

            // Staging's keys move to other variables: its client is rebuilt and its poller restarted.
            offset = daemon.log.count
            try world.writeRules(accounts: [await world.account("staging", prefix: "ROTATED", simulator: world.staging)]
            )
            try await daemon.waitForLog("accounts: 1 added or changed", after: offset)
            await world.addInvocation(world.staging, command: "staging-rotated")
            try await eventually("staging's third event") { world.events(at: "/all").count == 3 }
            #expect(world.events(at: "/all").map(\.account) == ["staging", "staging", "staging"])
            #expect(await world.prod.calls.count == prodCalls, "a removed account is not polled")
            #expect(world.events(at: "/prod").isEmpty)

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
        }
    }

    @Test("an account whose credentials are missing stops the start with a message naming it, no secret")
    func missingCredentials() async throws {
        try await Self.withWorld { world in
            try await world.writeRules(prodAnd: "audit", prefix: "AUDIT")
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }
            #expect(try await daemon.waitForExit() != 0)
            #expect(daemon.log.contains("account audit: AUDIT_SECRET_ID and AUDIT_SECRET_KEY are not set"))
            #expect(!daemon.log.contains(Self.prodKeys.secretKey))
        }
    }

    @Test("tattle check reports account problems as FILE:LINE:COL: error: PATH: message")
    func check() {
        let path = RulesCommandsTests.path("Tests/RulesTests/Fixtures/broken/bad-accounts.json")
        let output = RulesCommands.check(path: path, resolver: StaticReferenceResolver())
        #expect(output.exitStatus == 1)
        for line in [
            "\(path):5:14: error: accounts[1].name: duplicate account name \"prod\" (also accounts[0]); names must be unique",
            "\(path):6:35: error: accounts[2].regions[0]: unknown region \"ap-guangzho\" (did you mean \"ap-guangzhou\"?)",
            "\(path):7:51: error: accounts[3].credentials.source: unknown credential source \"enviroment\" (did you mean \"environment\"?); use one of chain, environment, profile, tke-oidc, cvm-role, assume-role",
        ] {
            #expect(output.text.contains(line + "\n"), "missing \(line) in:\n\(output.text)")
        }
        #expect(
            !output.text.contains("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"), "a value that looks like a key is not echoed"
        )
    }

    @Test("tattle test-rule takes an event with an account and matches rules on it")
    func testRule() async throws {
        try await Self.withWorld { world in
            try world.writeRules(accounts: [await world.account("prod", prefix: "PROD", simulator: world.prod)])
            let event = world.directory.appendingPathComponent("event.json")
            for (account, matched) in [("prod", true), ("staging", false)] {
                let text = """
                    {"version": 1, "id": "evt_x", "type": "invocation.status_changed", "region": "ap-guangzhou",
                     "account": "\(account)", "detectedAt": "2026-11-28T10:00:00Z", "previousStatus": "RUNNING",
                     "status": "FAILED", "invocation": {"id": "inv-1", "commandName": "deploy", "status": "FAILED",
                     "taskCounts": {"FAILED": 1}, "instanceCount": 1}}
                    """
                try Data(text.utf8).write(to: event)
                let output = RulesCommands.testRule(
                    rulesPath: world.rules.path, eventPath: event.path, resolver: StaticReferenceResolver())
                #expect(output.exitStatus == 0, "\(output.text)")
                #expect(output.text.contains("rule \"prod-only\": matched") == matched, "\(output.text)")
                #expect(output.text.contains("FAILED (\(account) / ap-guangzhou) at"), "\(output.text)")
                if !matched {
                    #expect(output.text.contains(#"account is "staging", wanted equals "prod""#), "\(output.text)")
                }
            }
        }
    }
}
