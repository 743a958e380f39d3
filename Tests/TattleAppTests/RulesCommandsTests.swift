import Foundation
import Rules
import Testing

@testable import TattleApp

@Suite struct RulesCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test func checkPassesTheExampleWithWarningsOnly() {
        let output = RulesCommands.check(path: Self.path("rules.example.json"), resolver: StaticReferenceResolver())
        #expect(output.exitStatus == 0)
        #expect(
            output.text.contains(
                "receivers[\"ops-wecom\"].url (20:14): warning: environment variable WECOM_OPS_KEY is not set"))
        #expect(output.text.hasSuffix("OK: 6 rules, 9 receivers; 10 warnings\n"))
    }

    @Test func strictEnvTurnsUnsetVariablesOfUsedReceiversIntoErrors() {
        let output = RulesCommands.check(
            path: Self.path("rules.example.json"), strictEnv: true, resolver: StaticReferenceResolver())
        #expect(output.exitStatus == 1)
        #expect(
            output.text.contains(
                "error: environment variable SLACK_WEBHOOK_URL is not set (receiver \"sre-slack\" is used by an enabled rule)"
            ))
    }

    @Test func checkFailsOnABrokenFileAndAMissingFile() {
        let broken = RulesCommands.check(
            path: Self.path("Tests/RulesTests/Fixtures/broken/unknown-keys.json"), resolver: StaticReferenceResolver())
        #expect(broken.exitStatus == 1)
        #expect(broken.text.contains("recievers (3:3): error: unknown key \"recievers\" (did you mean \"receivers\"?)"))
        #expect(RulesCommands.check(path: "/nonexistent/rules.json").exitStatus == 2)
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
        FileManager.default.createFile(atPath: file.path, contents: Data(event.utf8))
        defer { try? FileManager.default.removeItem(at: file) }
        let output = RulesCommands.testRule(
            rulesPath: Self.path("rules.example.json"), eventPath: file.path, resolver: StaticReferenceResolver())
        #expect(output.text.contains("rule \"staging-quiet-at-weekends\": matched, muted by window \"weekend\""))
        #expect(output.text.contains("No receiver would be notified."))
    }
}
