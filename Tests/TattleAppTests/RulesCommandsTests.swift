import Events
import Foundation
import Rules
import Testing

@testable import TattleApp

@Suite struct RulesCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test("The README's failure message is exactly what Tattle renders for the example event")
    func readmeFailureMessageIsReal() throws {
        let readme = try String(contentsOfFile: Self.path("README.md"), encoding: .utf8)
        let start = try #require(
            readme.range(
                of:
                    "(`tattle test-rule rules.example.json --event Examples/events/invocation-failed.json`):\n\n````text\n"
            ))
        let end = try #require(readme.range(of: "\n````", range: start.upperBound..<readme.endIndex))
        let shown = String(readme[start.upperBound..<end.lowerBound])

        let (loaded, diagnostics) = RuleSet.load(
            data: try Data(contentsOf: URL(fileURLWithPath: Self.path("rules.example.json"))),
            resolver: StaticReferenceResolver(variables: ["WECOM_OPS_KEY": "k"]), references: .warn)
        let ruleSet = try #require(loaded, "\(diagnostics)")
        let event = try Event.decoder.decode(
            Event.self,
            from: Data(contentsOf: URL(fileURLWithPath: Self.path("Examples/events/invocation-failed.json"))))
        let message = try RulesEngine(ruleSet: ruleSet).render(
            rule: "deploy-failed", receiver: "ops-wecom", events: [event], isRecovery: false)
        guard case .webhook(let webhook) = message else {
            Issue.record("not a webhook")
            return
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(webhook.body)) as? [String: Any])
        let content = try #require((object["markdown"] as? [String: Any])?["content"] as? String)
        #expect(shown == content)
    }

    @Test func checkPassesTheExampleWithWarningsOnly() {
        let path = Self.path("rules.example.json")
        let output = RulesCommands.check(path: path, resolver: StaticReferenceResolver())
        #expect(output.exitStatus == 0)
        #expect(
            output.text.contains(
                "\(path):20:14: warning: receivers[\"ops-wecom\"].url: environment variable WECOM_OPS_KEY is not set\n")
        )
        #expect(output.text.hasSuffix("OK: 6 rules, 9 receivers; 10 warnings\n"))
    }

    @Test func strictEnvTurnsUnsetVariablesOfUsedReceiversIntoErrors() {
        let output = RulesCommands.check(
            path: Self.path("rules.example.json"), strictEnv: true, resolver: StaticReferenceResolver())
        #expect(output.exitStatus == 1)
        #expect(
            output.text.contains(
                "rules.example.json:59:14: error: receivers[\"sre-slack\"].url: environment variable SLACK_WEBHOOK_URL is not set (receiver \"sre-slack\" is used by an enabled rule)\n"
            ))
    }

    @Test func checkFailsOnABrokenFileAndAMissingFile() {
        let path = Self.path("Tests/RulesTests/Fixtures/broken/unknown-keys.json")
        let broken = RulesCommands.check(path: path, resolver: StaticReferenceResolver())
        #expect(broken.exitStatus == 1)
        #expect(
            broken.text.contains(
                "\(path):3:3: error: recievers: unknown key \"recievers\" (did you mean \"receivers\"?)\n"))
        let missing = RulesCommands.check(path: "/nonexistent/rules.json")
        #expect(missing.exitStatus == 2)
        #expect(missing.text == "/nonexistent/rules.json: error: $: cannot read the file\n1 error, 0 warnings\n")
        let json = RulesCommands.check(path: path, format: .json, resolver: StaticReferenceResolver())
        #expect(json.exitStatus == 1)
        let object = try? JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any]
        #expect((object?["diagnostics"] as? [[String: Any]])?.first?["line"] as? Int == 3)
    }

    @Test func testRuleExplainsAndShowsRedactedPayloads() throws {
        let env = [
            "FEISHU_HOOK": "secret-token-123",
            "TEAMS_WORKFLOW_URL": "https://prod.logic.azure.com/workflows/abc?sig=topsecret",
        ]
        let output = RulesCommands.testRule(
            rulesPath: Self.path("rules.example.json"), eventPath: Self.path("Examples/events/task-failed.json"),
            now: ISO8601DateFormatter().date(from: "2026-11-28T10:00:00Z"),
            resolver: StaticReferenceResolver(variables: env)
        )
        #expect(output.exitStatus == 0)
        #expect(
            output.text.contains(
                "rule \"deploy-task-failures\": matched, notifying (new group \"inv-8fk2m1qa\") at 2026-11-28T10:00:30Z → sre-feishu, sre-teams"
            ))
        #expect(
            output.text.contains(
                "rule \"staging-quiet-at-weekends\": not matched: invocation.commandName is \"deploy-web\", wanted glob \"staging-*\""
            ))
        #expect(output.text.contains("POST https://open.feishu.cn/…"))
        #expect(output.text.contains("POST https://prod.logic.azure.com/…"))
        #expect(output.text.contains("\"msg_type\" : \"post\""))
        #expect(!output.text.contains("secret-token-123"))
        #expect(!output.text.contains("topsecret"))
    }

    @Test func testRuleShowsMutesAtTheGivenTime() {
        // A staging failure on a Saturday is muted by the first rule, which stops evaluation.
        let event = """
            {"version": 1, "id": "evt_x", "type": "invocation.status_changed", "region": "ap-beijing", "detectedAt": "2026-11-28T10:00:00Z",
             "previousStatus": "RUNNING", "status": "FAILED",
             "invocation": {"id": "inv-s", "commandName": "staging-deploy", "status": "FAILED", "taskCounts": {"FAILED": 1}, "instanceCount": 1}}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tattle-staging-event-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(event.utf8))
        defer { try? FileManager.default.removeItem(at: file) }
        let output = RulesCommands.testRule(
            rulesPath: Self.path("rules.example.json"), eventPath: file.path, resolver: StaticReferenceResolver())
        #expect(output.text.contains("rule \"staging-quiet-at-weekends\": matched, muted by window \"weekend\""))
        #expect(output.text.contains("No receiver would be notified."))
    }
}
