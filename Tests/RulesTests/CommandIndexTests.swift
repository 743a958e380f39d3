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

@Suite struct CommandIndexNarrowingTests {
    static let rules = """
        [{"name": "either", "match": {"any": [{"invocation.commandName": "deploy-web"}, {"invocation.commandName": {"glob": "deploy-a*"}}]}, "receivers": ["hook"], "continue": true},
         {"name": "disjoint", "match": {"any": [{"invocation.commandName": "web"}, {"invocation.commandName": "api"}]}, "receivers": ["mail"], "continue": true},
         {"name": "recovery", "match": {"invocation.commandName": {"glob": "rec-*"}, "status": "FAILED"}, "receivers": ["hook"], "recovery": true, "continue": true},
         {"name": "catch-all", "match": {"status": "FAILED"}, "receivers": ["mail"]}]
        """

    static func engine() throws -> RulesEngine {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: rules))
        return RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
    }

    static func event(_ name: String?, status: String = "FAILED") -> Event {
        var event = Support.event(status: status)
        event.invocation.commandName = name
        return event
    }

    @Test func anAnyIsFiledUnderTheStartItsBranchesShare() throws {
        let (ruleSet, _) = Support.load(Support.rulesFile(rules: Self.rules))
        let index = CommandIndex(rules: try #require(ruleSet).rules)
        func visited(_ name: String?) -> [Int] {
            index.withCandidates(for: Self.event(name), isSuccess: false) { $0.map(\.position) }
        }
        #expect(visited("deploy-api") == [0, 1, 3])
        #expect(visited("backup") == [1, 3], "no shared start between web and api: always visited")
        #expect(visited(nil) == [1, 3])
    }

    @Test func recoveryRulesAreVisitedByEverySuccessForTheCheckAlone() throws {
        let (ruleSet, _) = Support.load(Support.rulesFile(rules: Self.rules))
        let index = CommandIndex(rules: try #require(ruleSet).rules)
        let failure = index.withCandidates(for: Self.event("other"), isSuccess: false) { Array($0) }
        #expect(!failure.contains { $0.position == 2 }, "a failure of another command cannot match rec-*")
        let success = index.withCandidates(for: Self.event("other", status: "SUCCESS"), isSuccess: true) { Array($0) }
        #expect(success.contains(CommandIndex.Candidate(position: 2, recoveryOnly: true)))
        let own = index.withCandidates(for: Self.event("rec-1", status: "SUCCESS"), isSuccess: true) { Array($0) }
        #expect(own.filter { $0.position == 2 } == [CommandIndex.Candidate(position: 2, recoveryOnly: false)])
    }

    @Test(arguments: ["deploy-web", "deploy-api", "deploy-x", "web", "rec-1", "other", "", nil] as [String?])
    func narrowedEvaluationEqualsVisitingEveryRule(name: String?) throws {
        let engine = try Self.engine()
        var memory = InMemoryNoiseMemory()
        memory.failing = ["recovery\u{1F}invocation\u{1F}cmd-1", "recovery\u{1F}invocation\u{1F}other"]
        for status in ["FAILED", "SUCCESS", "RUNNING"] {
            let event = Self.event(name, status: status)
            let fast = engine.evaluate(event, now: Support.t0, memory: memory)
            let full = engine.evaluate(event, now: Support.t0, memory: memory, explain: true)
            #expect(fast.dispatches == full.dispatches, "\(status)")
            #expect(fast.updates == full.updates, "\(status)")
        }
    }
}
