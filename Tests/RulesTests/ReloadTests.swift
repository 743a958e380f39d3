import Foundation
import Testing

@testable import Rules

@Suite struct ReloadTests {
    static let good = Support.rulesFile(
        rules: #"[{"name": "v1", "match": {"status": "FAILED"}, "receivers": ["hook"]}]"#)
    static let better = Support.rulesFile(rules: #"[{"name": "v2", "match": {}, "receivers": ["hook"]}]"#)

    static func holder() throws -> RulesHolder {
        let (ruleSet, _) = Support.load(good)
        return RulesHolder(engine: RulesEngine(ruleSet: try #require(ruleSet)), resolver: StaticReferenceResolver())
    }

    static let badFiles: [String] = [
        "{\"version\": 1, \"receivers\": {",
        Support.rulesFile(rules: #"[{"name": "x", "match": {"status": {"regex": "(?<=a)b"}}, "receivers": ["hook"]}]"#),
        Support.rulesFile(rules: #"[{"name": "x", "match": {}, "receivers": ["nobody"]}]"#),
        Support.rulesFile(
            rules: #"[{"name": "x", "match": {}, "receivers": ["env"]}]"#,
            receivers: #"{"env": {"type": "slack", "url": "${env:UNSET_FOR_TEST}"}}"#),
        "",
    ]

    @Test(arguments: badFiles)
    func badFileKeepsTheLastGoodRules(bad: String) throws {
        let holder = try Self.holder()
        let outcome = holder.reload(data: Data(bad.utf8))
        #expect(!outcome.applied)
        #expect(outcome.diagnostics.containsErrors)
        #expect(holder.current.ruleSet.rules.map(\.name) == ["v1"])
    }

    @Test func goodFileIsSwappedIn() throws {
        let holder = try Self.holder()
        let outcome = holder.reload(data: Data(Self.better.utf8))
        #expect(outcome.applied)
        #expect(outcome.ruleCount == 1)
        #expect(holder.current.ruleSet.rules.map(\.name) == ["v2"])
    }

    @Test func unusedReceiverWithUnsetVariableDoesNotBlockReload() throws {
        let holder = try Self.holder()
        let text = Support.rulesFile(
            rules: #"[{"name": "v3", "match": {}, "receivers": ["hook"]}]"#,
            receivers:
                #"{"hook": {"type": "webhook", "url": "https://e.example/"}, "spare": {"type": "slack", "url": "${env:UNSET_FOR_TEST}"}}"#
        )
        let outcome = holder.reload(data: Data(text.utf8))
        #expect(outcome.applied)
        #expect(outcome.diagnostics.contains { $0.severity == .warning && $0.message.contains("UNSET_FOR_TEST") })
        // Rendering for the unresolved receiver refuses rather than sending to a broken URL.
        #expect(throws: RenderError.self) {
            try holder.current.render(rule: "v3", receiver: "spare", events: [Support.event()], isRecovery: false)
        }
    }
}
