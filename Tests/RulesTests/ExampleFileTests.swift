import Foundation
import Testing

@testable import Rules

@Suite struct ExampleFileTests {
    @Test func exampleFilePassesCheckWithoutErrors() throws {
        let (ruleSet, diagnostics) = RuleSet.load(
            data: try Support.file("rules.example.json"), resolver: StaticReferenceResolver(), references: .warn
        )
        #expect(!diagnostics.containsErrors, "\(diagnostics.map(\.description).joined(separator: "\n"))")
        let rules = try #require(ruleSet)
        #expect(rules.rules.count == 6)
        #expect(rules.receiverConfigs.count == 9)
        // Unset environment variables are warnings, with the receiver path.
        #expect(
            diagnostics.contains {
                $0.severity == .warning && $0.path == "receivers[\"ops-wecom\"].url"
                    && $0.message.contains("WECOM_OPS_KEY")
            })
    }

    @Test func exampleFileWithEveryVariableSetHasNoWarnings() throws {
        let names = [
            "WECOM_OPS_KEY", "SMTP_PASSWORD", "DINGTALK_TOKEN", "DINGTALK_SECRET", "FEISHU_HOOK", "FEISHU_SECRET",
            "DISCORD_WEBHOOK",
        ]
        var env = Dictionary(uniqueKeysWithValues: names.map { ($0, "x") })
        env["SLACK_WEBHOOK_URL"] = "https://hooks.slack.com/services/T/B/X"
        env["TEAMS_WORKFLOW_URL"] = "https://prod.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=s"
        env["AUDIT_WEBHOOK_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let (ruleSet, diagnostics) = RuleSet.load(
            data: try Support.file("rules.example.json"), resolver: StaticReferenceResolver(variables: env),
            references: .failIfUsed
        )
        #expect(ruleSet != nil)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description).joined(separator: "\n"))")
    }

    @Test func exampleFileUnderDaemonPolicyFailsWithoutSecrets() throws {
        let (ruleSet, diagnostics) = RuleSet.load(
            data: try Support.file("rules.example.json"), resolver: StaticReferenceResolver(), references: .failIfUsed
        )
        #expect(ruleSet == nil)
        #expect(
            diagnostics.contains {
                $0.isError && $0.message.contains("SLACK_WEBHOOK_URL") && $0.message.contains("sre-slack")
            })
    }
}
