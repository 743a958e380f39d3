import Events
import Foundation
import Outbox
import Testing

@testable import Rules

@Suite struct CommandIndexTests {
    static let rules = """
        [{"name": "glob", "match": {"invocation.commandName": {"glob": "deploy-*"}, "status": "FAILED"}, "receivers": ["hook"], "continue": true},
         {"name": "exact", "match": {"invocation.commandName": "deploy-web"}, "receivers": ["mail"]},
         {"name": "regex", "match": {"invocation.commandName": {"regex": "^backup-(db|files)$"}}, "receivers": ["hook"]},
         {"name": "short", "match": {"invocation.commandName": {"glob": "b*"}}, "receivers": ["mail"], "continue": true},
         {"name": "nested", "match": {"any": [{"invocation.commandName": {"glob": "x*"}}, {"region": "ap-shanghai"}]}, "receivers": ["hook"]},
         {"name": "negated", "match": {"not": {"invocation.commandName": {"glob": "deploy-*"}}}, "receivers": ["mail"], "continue": true},
         {"name": "recovery", "match": {"invocation.commandName": {"glob": "rec-*"}, "status": "FAILED"}, "receivers": ["hook"], "recovery": true},
         {"name": "catch-all", "match": {}, "receivers": ["hook", "mail"]}]
        """

    static let names: [String?] = [
        "deploy-web", "deploy-api", "deploy", "backup-db", "backup-x", "b", "x1", "rec-1", "other", "", nil, "部署-web",
    ]

    @Test(arguments: names)
    func indexedEvaluationEqualsVisitingEveryRule(name: String?) throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        for status in ["FAILED", "SUCCESS"] {
            for region in ["ap-guangzhou", "ap-shanghai"] {
                var event = Support.event(status: status, region: region)
                event.invocation.commandName = name
                var memory = InMemoryNoiseMemory()
                memory.failing = ["recovery\u{1F}invocation\u{1F}cmd-1", "recovery\u{1F}invocation\u{1F}rec-1"]
                let fast = engine.evaluate(event, now: Support.t0, memory: memory)
                let full = engine.evaluate(event, now: Support.t0, memory: memory, explain: true)
                #expect(fast.dispatches == full.dispatches)
                #expect(fast.updates == full.updates)
            }
        }
    }

    @Test func rulesAreFiledByTheirRequiredPrefix() throws {
        let (ruleSet, _) = Support.load(Support.rulesFile(rules: Self.rules))
        let index = CommandIndex(rules: try #require(ruleSet).rules)
        var event = Support.event()
        event.invocation.commandName = "backup-db"
        // "short" (prefix "b") applies, glob/exact ("deploy-") do not; the regex has an alternation, so
        // it is not filed and, like nested, negated, recovery and catch-all, is always visited.
        #expect(index.candidates(for: event) == [2, 3, 4, 5, 6, 7])
        event.invocation.commandName = "deploy-web"
        #expect(index.candidates(for: event) == [0, 1, 2, 4, 5, 6, 7])
        event.invocation.commandName = nil
        #expect(index.candidates(for: event) == [2, 4, 5, 6, 7])
    }
}
