import Events
import Foundation
import Outbox
import Testing

@testable import Rules

/// The noise memory's index of failing keys by tail (``RecoveryKeyTail``), and the engine's use of
/// it: a success skips the lookups of rules whose key tail has no failure, with the same decisions
/// as a memory without the index.
@Suite struct RecoveryTailTests {
    /// The same memory without the index: every tail may be failing, so every key is looked up.
    struct UnindexedMemory: NoiseMemory {
        var base = InMemoryNoiseMemory()
        func lastNotified(rule: String, groupKey: String) -> Date? { base.lastNotified(rule: rule, groupKey: groupKey) }
        func isFailing(key: String) -> Bool { base.isFailing(key: key) }
    }

    @Test(arguments: [
        ("r\u{1F}invocation\u{1F}deploy-web", "deploy-web"),
        ("r\u{1F}task\u{1F}ap-guangzhou\u{1F}deploy-web", "deploy-web"),
        ("r\u{1F}invocation\u{1F}", ""),
        ("r\u{1F}invocation\u{1F}odd\u{1F}name", "name"),
        ("no separator", "no separator"),
        ("r\u{1F}invocation\u{1F}部署", "部署"),
    ])
    func tailIsTheTextAfterTheLastSeparator(key: String, tail: String) {
        #expect(RecoveryKeyTail.of(key) == tail)
    }

    @Test func memoryCountsFailingKeysByTail() {
        var memory = InMemoryNoiseMemory()
        #expect(!memory.mayBeFailing(tail: "deploy-web"))
        memory.apply([
            .failing(key: "a\u{1F}invocation\u{1F}deploy-web", true),
            .failing(key: "b\u{1F}task\u{1F}deploy-web", true),
            .failing(key: "a\u{1F}invocation\u{1F}deploy-web", true),  // again: counted once
            .failing(key: "a\u{1F}invocation\u{1F}backup", true),
        ])
        #expect(memory.mayBeFailing(tail: "deploy-web"))
        #expect(memory.mayBeFailing(tail: "backup"))
        #expect(!memory.mayBeFailing(tail: "deploy"))

        // One of the two keys with the tail recovers: the other still fails.
        memory.apply([.failing(key: "a\u{1F}invocation\u{1F}deploy-web", false)])
        #expect(memory.mayBeFailing(tail: "deploy-web"))
        memory.apply([.failing(key: "a\u{1F}invocation\u{1F}deploy-web", false)])  // already cleared: no effect
        #expect(memory.mayBeFailing(tail: "deploy-web"))
        memory.apply([.failing(key: "b\u{1F}task\u{1F}deploy-web", false)])
        #expect(!memory.mayBeFailing(tail: "deploy-web"))
        #expect(memory.failing == ["a\u{1F}invocation\u{1F}backup"])

        // A key failing again after it was cleared is indexed again.
        memory.apply([.failing(key: "b\u{1F}task\u{1F}deploy-web", true)])
        #expect(memory.mayBeFailing(tail: "deploy-web"))
    }

    @Test func settingTheFailingKeysRebuildsTheIndexAndEqualityIgnoresIt() {
        var assigned = InMemoryNoiseMemory()
        assigned.failing = ["r\u{1F}invocation\u{1F}one", "r\u{1F}invocation\u{1F}two"]
        #expect(assigned.mayBeFailing(tail: "one"))
        #expect(assigned.mayBeFailing(tail: "two"))
        var applied = InMemoryNoiseMemory()
        applied.apply([
            .failing(key: "r\u{1F}invocation\u{1F}one", true), .failing(key: "r\u{1F}invocation\u{1F}gone", true),
            .failing(key: "r\u{1F}invocation\u{1F}two", true), .failing(key: "r\u{1F}invocation\u{1F}gone", false),
        ])
        #expect(applied == assigned)
        #expect(applied.hashValue == assigned.hashValue)

        assigned.failing.remove("r\u{1F}invocation\u{1F}one")
        #expect(!assigned.mayBeFailing(tail: "one"))
        #expect(assigned.mayBeFailing(tail: "two"))
        #expect(applied != assigned)
    }

    static let rules = """
        [{"name": "by-name", "match": {"invocation.commandName": {"glob": "deploy-*"}, "status": "FAILED"}, "receivers": ["hook"], "recovery": true, "continue": true},
         {"name": "by-region", "match": {"status": "FAILED"}, "receivers": ["mail"], "recovery": {"keyBy": ["region", "invocation.commandName"]}, "continue": true},
         {"name": "by-account", "match": {"status": "FAILED"}, "receivers": ["hook"], "recovery": {"keyBy": ["invocation.commandName", "account"]}, "continue": true},
         {"name": "by-instance", "match": {"type": "task.status_changed", "status": "FAILED"}, "receivers": ["mail"], "recovery": {"keyBy": ["task.instanceId"]}, "continue": true},
         {"name": "grouped", "match": {"status": "FAILED"}, "receivers": ["hook"], "recovery": true, "groupBy": ["invocation.commandName"], "groupWait": "30s", "continue": true},
         {"name": "muted", "match": {"status": "FAILED"}, "receivers": ["mail"], "recovery": true, "mute": ["wed"]}]
        """

    static func event(
        _ status: String, command: String = "deploy-web", commandId: String = "cmd-1", region: String = "ap-guangzhou",
        account: String? = nil, instance: String? = nil, invocation: String
    ) -> Event {
        let task = instance.map {
            TaskInfo(id: "invt-\(invocation)", instanceId: $0, status: TaskStatus(rawValue: status))
        }
        var event = Support.event(
            type: task == nil ? .invocationStatusChanged : .taskStatusChanged, status: status, command: command,
            commandId: commandId, invocationId: invocation, region: region, task: task)
        event.account = account
        return event
    }

    /// Failures and successes across commands with the same name in other regions and accounts,
    /// names that contain the separator, an unnamed command (keyed by its id), task events, and
    /// keys cleared and failing again.
    static let sequence: [Event] = [
        event("FAILED", region: "ap-guangzhou", account: "prod", invocation: "1"),
        event("SUCCESS", region: "ap-shanghai", account: "test", invocation: "2"),
        event("SUCCESS", region: "ap-guangzhou", account: "prod", invocation: "3"),
        event("SUCCESS", region: "ap-guangzhou", account: "prod", invocation: "4"),
        event("FAILED", command: "deploy-x\u{1F}y", invocation: "5"),
        event("SUCCESS", command: "deploy-z\u{1F}y", invocation: "6"),
        event("SUCCESS", command: "deploy-x\u{1F}y", invocation: "7"),
        event("FAILED", command: "", commandId: "cmd-9", invocation: "8"),
        event("SUCCESS", command: "", commandId: "cmd-8", invocation: "9"),
        event("SUCCESS", command: "", commandId: "cmd-9", invocation: "10"),
        event("FAILED", instance: "ins-1", invocation: "11"),
        event("FAILED", command: "deploy-api", instance: "ins-2", invocation: "12"),
        event("SUCCESS", command: "deploy-api", instance: "ins-1", invocation: "13"),
        event("SUCCESS", command: "deploy-api", instance: "ins-2", invocation: "14"),
        event("FAILED", region: "ap-beijing", invocation: "15"),
        event("SUCCESS", region: "ap-guangzhou", invocation: "16"),
        event("SUCCESS", region: "ap-beijing", invocation: "17"),
    ]

    @Test func indexedMemoryDecidesAsAMemoryWithoutTheIndex() throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        var indexed = InMemoryNoiseMemory()
        var plain = UnindexedMemory()
        var recoveries = 0
        for (step, event) in Self.sequence.enumerated() {
            let now = Support.t0 + Double(step * 60)
            for explain in [false, true] {
                let fast = engine.evaluate(event, now: now, memory: indexed, explain: explain)
                let full = engine.evaluate(event, now: now, memory: plain, explain: explain)
                #expect(fast.dispatches == full.dispatches, "step \(step)")
                #expect(fast.updates == full.updates, "step \(step)")
                #expect(fast.trace == full.trace, "step \(step)")
            }
            let evaluation = engine.evaluate(event, now: now, memory: indexed)
            recoveries += Self.recovered(evaluation).count
            indexed.apply(evaluation.updates)
            plain.base.apply(evaluation.updates)
            #expect(indexed == plain.base)
        }
        #expect(recoveries > 0)
    }

    @Test func recoveriesKeyedByRegionOrAccountStayApart() throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        var memory = InMemoryNoiseMemory()
        memory.apply(engine.evaluate(Self.sequence[0], now: Support.t0, memory: memory).updates)

        // Same command name, another region and account: only the rules keyed by name alone recover.
        let elsewhere = engine.evaluate(Self.sequence[1], now: Support.t0 + 60, memory: memory)
        #expect(Self.recovered(elsewhere) == ["by-name", "grouped"])
        #expect(
            Set(elsewhere.updates) == [
                .failing(key: "by-name\u{1F}invocation\u{1F}deploy-web", false),
                .failing(key: "grouped\u{1F}invocation\u{1F}deploy-web", false),
            ])
        memory.apply(elsewhere.updates)
        #expect(memory.mayBeFailing(tail: "prod"))
        #expect(memory.mayBeFailing(tail: "deploy-web"))  // by-region's key

        let home = engine.evaluate(Self.sequence[2], now: Support.t0 + 120, memory: memory)
        #expect(Self.recovered(home) == ["by-region", "by-account"])
        #expect(home.dispatches.map(\.isRecovery) == [true, true])
        memory.apply(home.updates)
        #expect(memory.failing.isEmpty)
        #expect(!memory.mayBeFailing(tail: "deploy-web"))
        #expect(!memory.mayBeFailing(tail: "prod"))
    }

    @Test func aBatchRecoversFromAFailureEarlierInTheSameBatch() throws {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: Self.rules))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        let batch = [Self.sequence[0], Self.sequence[2]]
        let indexed = engine.evaluate(batch, now: Support.t0, memory: InMemoryNoiseMemory())
        let plain = engine.evaluate(batch, now: Support.t0, memory: UnindexedMemory())
        #expect(indexed.dispatches == plain.dispatches)
        #expect(indexed.updates == plain.updates)
        #expect(Self.recovered(indexed) == ["by-name", "by-region", "by-account", "grouped"])
    }

    @Test func settingsBeyondTheFilterCapacityAreLookedUpKeyByKey() throws {
        // Each rule's key ends with a different field: more settings than the filter has bits.
        let count = TailFilter.capacity + 6
        let rules = (0..<count).map { index in
            #"{"name": "r\#(index)", "match": {"status": "FAILED"}, "receivers": ["hook"], "continue": true, "#
                + #""recovery": {"keyBy": ["invocation.commandName", "invocation.taskCounts.S\#(index)"]}}"#
        }
        let (ruleSet, diagnostics) = Support.load(
            Support.rulesFile(rules: "[" + rules.joined(separator: ",") + "]"))
        let engine = RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
        var indexed = InMemoryNoiseMemory()
        var plain = UnindexedMemory()
        let failure = engine.evaluate(Self.event("FAILED", invocation: "1"), now: Support.t0, memory: indexed)
        #expect(failure.updates.filter { if case .failing(_, true) = $0 { true } else { false } }.count == count)
        indexed.apply(failure.updates)
        plain.base.apply(failure.updates)
        let success = Self.event("SUCCESS", invocation: "2")
        let fast = engine.evaluate(success, now: Support.t0 + 60, memory: indexed)
        let full = engine.evaluate(success, now: Support.t0 + 60, memory: plain)
        #expect(Self.recovered(fast) == (0..<count).map { "r\($0)" })
        #expect(fast.updates == full.updates)
        #expect(fast.trace == full.trace)
    }

    /// The rules whose trace says they recovered.
    static func recovered(_ evaluation: Evaluation) -> [String] {
        evaluation.trace.compactMap { if case .recovered = $0.outcome { $0.rule } else { nil } }
    }
}
