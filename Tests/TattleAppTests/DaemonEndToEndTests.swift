import Curl
import Foundation
import TATSimulator
import TencentCloud
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `tattle run` process end to end: simulator, webhook receivers and SMTP server on loopback.
@Suite("tattle run end to end", .serialized, .timeLimit(.minutes(2)))
struct DaemonEndToEndTests {
    static let failingStatuses = ["FAILED", "PARTIAL_FAILED"]

    /// A scratch directory plus the fakes.
    final class World: @unchecked Sendable {
        let scratch: SimulatedScratch
        let wecom = HTTPReceiver(default: .json(200, #"{"errcode":0,"errmsg":"ok"}"#))
        let audit = HTTPReceiver()
        let smtp: SMTPTestServer
        var directory: URL { scratch.directory }
        var simulator: TATSimulator { scratch.simulator }
        var endpoint: String { scratch.endpoint }
        var stderr: URL { directory.appendingPathComponent("stderr.log") }
        var rules: URL { directory.appendingPathComponent("rules.json") }
        var state: URL { directory.appendingPathComponent("state", isDirectory: true) }

        init() async throws {
            scratch = try await SimulatedScratch.start("tattle-e2e", seed: 11)
            try await wecom.start()
            try await audit.start()
            smtp = try await SMTPTestServer.start(auth: ("bot", "smtp-pass-e2e-77aa"))
        }

        func close() async {
            await wecom.stop()
            await audit.stop()
            smtp.stop()
            await scratch.close()
        }

        /// Rules: failures to the WeCom robot and mail, every invocation change to the audit webhook.
        func rulesText(auditReceiver: String = "audit") -> String {
            """
            {
              "version": 1,
              "receivers": {
                "ops-wecom": { "type": "wecom", "format": "text",
                  "url": "\(wecom.url)/cgi-bin/webhook/send?key=SECRETKEY123456789" },
                "wecom-audit": { "type": "webhook", "format": "event",
                  "url": "\(wecom.url)/audit2?key=SECRETKEY123456789" },
                "audit": { "type": "webhook", "format": "event",
                  "url": "\(audit.url)/audit?key=SECRETKEY123456789" },
                "mail": { "type": "email",
                  "smtp": { "url": "\(smtp.url)", "username": "bot", "password": "${env:SMTP_PASSWORD}", "requireTLS": false },
                  "from": "Tattle <tattle@example.com>", "to": ["dba@example.com"],
                  "title": "[TAT-E2E] {{commandName}} failed" },
              },
              "rules": [
                { "name": "invocation-failed",
                  "match": { "type": "invocation.status_changed", "status": ["FAILED", "PARTIAL_FAILED", "TIMEOUT"] },
                  "receivers": ["ops-wecom", "mail"], "continue": true },
                { "name": "audit", "match": { "type": "invocation.status_changed" }, "receivers": ["\(auditReceiver)"] },
              ],
            }
            """
        }

        func writeRules(_ text: String) throws { try Data(text.utf8).write(to: rules, options: .atomic) }

        func startDaemon() throws -> DaemonProcess {
            try DaemonProcess.run(rules: rules, stateDir: state, endpoint: endpoint, stderr: stderr)
        }

        /// One invocation on three instances, two of which fail.
        func addFailingInvocation() async -> InvocationHandle {
            var spec = InvocationSpec(tasks: [
                .init(plan: TaskStep.succeeding(after: .seconds(3))),
                .init(plan: TaskStep.failing(after: .seconds(3), exitCode: 2, output: "boom\n")),
                .init(plan: TaskStep.failing(after: .seconds(3), exitCode: 3, output: "disk full\n")),
            ])
            spec.commandName = "e2e-deploy"
            return await simulator.addInvocation(spec)
        }

        /// Every audit event seen so far, by status.
        func auditStatuses(_ receiver: HTTPReceiver? = nil) -> [String] {
            (receiver ?? audit).requests.flatMap(\.envelopeEvents).map(\.eventStatus)
        }

        /// The stderr log holds no secret: not the API key, not the webhook key, not the SMTP password.
        func expectNoSecretsLogged() {
            let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            #expect(!log.isEmpty)
            for secret in DaemonProcess.secretKeyMarkers + [TATSimulator.testCredentials.secretKey] {
                #expect(!log.contains(secret), "the log leaks \(secret)")
            }
        }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        try await using(try await World(), close: { await $0.close() }, body)
    }

    @Test("a scripted fleet gives exactly the expected notifications; status endpoints; no secrets logged")
    func scriptedFleet() async throws {
        try await Self.withWorld { world in
            try world.writeRules(world.rulesText())
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }

            try await eventually("healthz") { (try? await daemon.get("/healthz"))?.status == 200 }
            let health = try await daemon.get("/healthz")
            #expect(health.status == 200 && health.bodyText == "ok\n")
            let ready = try await daemon.waitUntilReady()
            #expect(ready.contains("ok "))
            #expect(ready.split(separator: "\n").count >= 2, "readyz lists its checks: \(ready)")

            let handle = await world.addFailingInvocation()
            try await eventually("PENDING audit") { world.auditStatuses().contains("PENDING") }
            await world.simulator.advance(by: .milliseconds(1200))
            try await eventually("RUNNING audit") { world.auditStatuses().contains("RUNNING") }
            await world.simulator.advance(by: .seconds(4))
            try await eventually("final audit") { world.auditStatuses().contains { Self.failingStatuses.contains($0) } }
            try await world.wecom.waitForRequests(count: 1)
            let mail = try await world.smtp.waitForMessages(count: 1)
            try await Task.sleep(for: .seconds(1))  // anything extra would arrive now

            // Audit: one envelope per invocation change, the right invocation, distinct ids and webhook-ids.
            let requests = world.audit.requests
            let events = requests.flatMap(\.envelopeEvents)
            #expect(events.count == 3)
            #expect(Array(world.auditStatuses().prefix(2)) == ["PENDING", "RUNNING"])
            #expect(events.allSatisfy { ($0["invocation"] as? [String: Any])?["id"] as? String == handle.invocationId })
            #expect(Set(events.map(\.eventId)).count == 3)
            #expect(events.allSatisfy { !$0.eventId.isEmpty })
            let webhookIds = requests.compactMap { $0.header("webhook-id") }
            #expect(webhookIds.count == requests.count && Set(webhookIds).count == requests.count)
            #expect(requests.allSatisfy { $0.path == "/audit" && $0.query == "key=SECRETKEY123456789" })

            // WeCom: exactly the one failure message.
            let wecom = world.wecom.requests
            #expect(wecom.count == 1)
            #expect(wecom.first?.path == "/cgi-bin/webhook/send")
            #expect(wecom.first?.bodyText.contains("e2e-deploy") == true)
            #expect(wecom.first?.bodyText.contains(#""msgtype""#) == true)

            // Mail: exactly one, with the rendered subject, to the right recipient, authenticated.
            #expect(mail.count == 1)
            #expect(mail.first?.recipients == ["dba@example.com"])
            #expect(mail.first?.authLogin == "bot")
            #expect(mail.first?.text.contains("Subject: [TAT-E2E] e2e-deploy failed") == true)

            // Metrics.
            let metrics = try await daemon.get("/metrics")
            #expect(metrics.status == 200)
            for name in [
                "tattle_poll_cycles_total", "tattle_deliveries_total", "tattle_outbox_pending",
                "tattle_rules_reload_success",
            ] {
                #expect(metrics.bodyText.contains(name), "metrics lack \(name)")
            }

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            world.expectNoSecretsLogged()
        }
    }

    @Test("SIGTERM mid-delivery and a restart on the same state: nothing lost, repeats only under the same webhook-id")
    func restart() async throws {
        try await Self.withWorld { world in
            try world.writeRules(world.rulesText())
            let first = try world.startDaemon()
            defer { first.kill9() }
            try await first.waitUntilReady()
            let handle = await world.addFailingInvocation()
            try await eventually("PENDING audit") { world.auditStatuses().contains("PENDING") }

            // The RUNNING envelope hangs at the receiver while the daemon is told to stop.
            world.audit.enqueue(.delay(.seconds(8), then: .status(200)))
            await world.simulator.advance(by: .milliseconds(1200))
            try await eventually("RUNNING audit sent") { world.auditStatuses().contains("RUNNING") }
            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0)

            // The invocation finishes while the daemon is down.
            await world.simulator.advance(by: .seconds(4))
            let second = try world.startDaemon()
            defer { second.kill9() }
            try await eventually("final audit", timeout: .seconds(20)) {
                world.auditStatuses().contains { Self.failingStatuses.contains($0) }
                    && world.audit.requests.filter { $0.envelopeEvents.contains { $0.eventStatus == "RUNNING" } }.count
                        >= 2
            }
            try await world.wecom.waitForRequests(count: 1)
            try await world.smtp.waitForMessages(count: 1)
            try await Task.sleep(for: .seconds(1))

            let requests = world.audit.requests
            var eventsByWebhookId: [String: Set<String>] = [:]
            var webhookIdByEvent: [String: String] = [:]
            for request in requests {
                let webhookId = try #require(request.header("webhook-id"))
                let ids = Set(request.envelopeEvents.map(\.eventId))
                if let seen = eventsByWebhookId[webhookId] {
                    #expect(seen == ids, "webhook-id \(webhookId) reused for different events")
                }
                eventsByWebhookId[webhookId] = ids
                for id in ids {
                    if let other = webhookIdByEvent[id] { #expect(other == webhookId, "event \(id) repeated") }
                    webhookIdByEvent[id] = webhookId
                }
            }
            let events = requests.flatMap(\.envelopeEvents)
            #expect(Set(events.map(\.eventId)).count == 3, "PENDING, RUNNING and the final change, each once")
            #expect(Set(events.map(\.eventStatus)).isSuperset(of: ["PENDING", "RUNNING"]))
            #expect(events.allSatisfy { ($0["invocation"] as? [String: Any])?["id"] as? String == handle.invocationId })
            #expect(world.wecom.requests.count == 1)
            #expect(try world.smtp.messages().count == 1)

            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0)
            world.expectNoSecretsLogged()
        }
    }

    @Test("SIGHUP with a bad rules file keeps the old rules; a good file is then applied")
    func reload() async throws {
        try await Self.withWorld { world in
            try world.writeRules(world.rulesText())
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }
            try await daemon.waitUntilReady()

            let offset = daemon.log.count
            try world.writeRules(world.rulesText(auditReceiver: "no-such-receiver"))
            daemon.signal(SIGHUP)
            try await daemon.waitForLog("keeping the previous rules", after: offset)
            #expect(daemon.log.contains("no-such-receiver"))

            // Old rules still route invocation changes to the audit receiver.
            _ = await world.addFailingInvocation()
            try await eventually("PENDING audit by the old rules") { world.auditStatuses().contains("PENDING") }

            let before = daemon.log.count
            try world.writeRules(world.rulesText(auditReceiver: "wecom-audit"))
            daemon.signal(SIGHUP)
            try await daemon.waitForLog("rules reloaded", after: before)
            await world.simulator.advance(by: .milliseconds(1200))
            try await eventually("RUNNING by the new rules") { world.auditStatuses(world.wecom).contains("RUNNING") }
            #expect(!world.auditStatuses().contains("RUNNING"))

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            world.expectNoSecretsLogged()
        }
    }

    @Test("a missing or broken rules file stops the start with a message naming the file and the fix")
    func fatalConfiguration() async throws {
        try await Self.withWorld { world in
            let missing = try world.startDaemon()
            defer { missing.kill9() }
            #expect(try await missing.waitForExit(timeout: .seconds(10)) != 0)
            #expect(missing.log.contains(world.rules.path))
            #expect(missing.log.contains("--rules"))
            #expect(!missing.log.contains(".."), "no doubled full stop: \(missing.log)")

            try world.writeRules(#"{ "version": 1, "receivers": {}, "rules": [ { "name": "x", "receivers": ["nope"] } ] }"#)
            let broken = try world.startDaemon()
            defer { broken.kill9() }
            #expect(try await broken.waitForExit(timeout: .seconds(10)) != 0)
            let log = broken.log
            #expect(log.contains(world.rules.path))
            #expect(log.contains("tattle check"))
            #expect(log.contains("nope"))
        }
    }
}
