import Events
import Foundation
import Outbox
import Testing

@testable import Rules

/// The command index's byte table of ASCII prefixes: the same rules as looking every prefix up
/// by string, for ASCII names (the table) and other names (the string lookup).
@Suite struct PrefixTableTests {
    /// Prefixes of 1 to 10 bytes that nest ("d", "de", "deploy-", "deploy-web"), ASCII and not, a
    /// Kelvin sign (canonically equal to "K", but longer), and 200 more to make the table probe.
    static let rules: String = {
        var rules = [
            #"{"name": "d", "match": {"invocation.commandName": {"glob": "d*"}}, "receivers": ["hook"], "continue": true}"#,
            #"{"name": "de", "match": {"invocation.commandName": {"glob": "de*"}}, "receivers": ["mail"], "continue": true}"#,
            #"{"name": "deploy", "match": {"invocation.commandName": {"glob": "deploy-*"}}, "receivers": ["hook"], "continue": true}"#,
            #"{"name": "exact", "match": {"invocation.commandName": "deploy-web"}, "receivers": ["mail"], "continue": true}"#,
            #"{"name": "cjk", "match": {"invocation.commandName": {"glob": "部署-*"}}, "receivers": ["hook"], "continue": true}"#,
            #"{"name": "kelvin", "match": {"invocation.commandName": {"glob": "\u212A-*"}}, "receivers": ["mail"], "continue": true}"#,
            #"{"name": "k", "match": {"invocation.commandName": {"glob": "K-*"}}, "receivers": ["hook"], "continue": true}"#,
            #"{"name": "any", "match": {"region": "ap-shanghai"}, "receivers": ["mail"], "continue": true}"#,
        ]
        for index in 0..<200 {
            rules.append(
                #"{"name": "p\#(index)", "match": {"invocation.commandName": {"glob": "p\#(index)-*"}}, "receivers": ["hook"], "continue": true}"#
            )
        }
        return "[" + rules.joined(separator: ",") + "]"
    }()

    static let names: [String?] = [
        "deploy-web", "deploy-web-2", "deploy-", "deploy", "de", "d", "", nil, "x", "部署-web", "deploy-部署", "K-1",
        "\u{212A}-1", "p0-a", "p17-b", "p199-", "p1", "p200-a", "p1-", "p10-", "p100-x", "P1-a",
    ]

    @Test(arguments: names)
    func indexedEvaluationEqualsVisitingEveryRule(name: String?) throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        var event = Support.event()
        event.invocation.commandName = name
        let fast = engine.evaluate(event, now: Support.t0, memory: InMemoryNoiseMemory())
        let full = engine.evaluate(event, now: Support.t0, memory: InMemoryNoiseMemory(), explain: true)
        #expect(fast.dispatches == full.dispatches)
        #expect(fast.trace == full.trace.filter { if case .notMatched = $0.outcome { false } else { true } })
    }

    @Test func candidatesAreThePrefixesOfTheNameInFileOrder() throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let rules = try #require(ruleSet, "\(diagnostics)").rules
        let index = CommandIndex(rules: rules)
        func names(_ command: String?) -> [String] {
            var event = Support.event(status: "FAILED")
            event.invocation.commandName = command
            return index.candidates(for: event).map { rules[$0].name }
        }
        #expect(names("deploy-web") == ["d", "de", "deploy", "exact", "any"])
        #expect(names("deploy-部署") == ["d", "de", "deploy", "any"])
        #expect(names("部署-web") == ["cjk", "any"])
        #expect(names("K-1") == ["k", "any"])
        #expect(names("\u{212A}-1") == ["kelvin", "any"])
        #expect(names("p17-b") == ["any", "p17"])
        #expect(names("p1-") == ["any", "p1"])
        #expect(names("p1") == ["any"])
        #expect(names(nil) == ["any"])
    }
}
