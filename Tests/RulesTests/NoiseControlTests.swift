import Events
import Foundation
import Outbox
import Testing

@testable import Rules

@Suite struct NoiseControlTests {
    func engine(_ rules: String, defaults: String = "{}") throws -> RulesEngine {
        let (ruleSet, diagnostics) = Support.load(Support.rulesFile(rules: rules, defaults: defaults))
        return RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
    }

    @Test func throttleSuppressesRepeatsPerGroupKeyUntilTheWindowEnds() throws {
        let engine = try engine(
            #"[{"name": "r", "match": {"status": "FAILED"}, "receivers": ["hook"], "throttle": "10m", "groupBy": ["invocation.commandName"]}]"#
        )
        var memory = InMemoryNoiseMemory()
        let t0 = Support.t0
        let first = engine.evaluate(Support.event(invocationId: "inv-1"), now: t0, memory: memory)
        #expect(first.dispatches.map(\.receiver) == ["hook"])
        #expect(first.dispatches.first?.groupKey == "deploy-web")
        #expect(first.updates == [.notified(rule: "r", groupKey: "deploy-web", at: t0)])
        memory.apply(first.updates)

        let second = engine.evaluate(Support.event(invocationId: "inv-2"), now: t0 + 300, memory: memory)
        #expect(second.dispatches.isEmpty)
        #expect(second.trace.first?.outcome == .throttled(groupKey: "deploy-web", until: t0 + 600))

        // Another group key is not throttled.
        let other = engine.evaluate(
            Support.event(command: "deploy-api", invocationId: "inv-3"), now: t0 + 300, memory: memory)
        #expect(other.dispatches.count == 1)

        // After the window, notifies again.
        let third = engine.evaluate(Support.event(invocationId: "inv-4"), now: t0 + 600, memory: memory)
        #expect(third.dispatches.count == 1)
    }

    @Test func groupingAlignsNotBeforeToTheFirstEventOfTheGroup() throws {
        let engine = try engine(
            #"[{"name": "g", "match": {}, "receivers": ["hook"], "groupBy": ["invocation.id", "region"], "groupWait": "30s"}]"#
        )
        var memory = InMemoryNoiseMemory()
        let t0 = Support.t0
        let first = engine.evaluate(Support.event(status: "FAILED"), now: t0, memory: memory)
        let dispatch = try #require(first.dispatches.first)
        #expect(dispatch.groupKey == "inv-1|ap-guangzhou")
        #expect(dispatch.notBefore == t0 + 30)
        memory.apply(first.updates)

        let second = engine.evaluate(Support.event(status: "TIMEOUT"), now: t0 + 10, memory: memory)
        #expect(second.dispatches.first?.notBefore == t0 + 30)
        #expect(
            second.trace.first?.outcome
                == .notified(groupKey: "inv-1|ap-guangzhou", notBefore: t0 + 30, joinedGroup: true))
        #expect(second.updates.isEmpty)

        let late = engine.evaluate(Support.event(status: "CANCELLED"), now: t0 + 31, memory: memory)
        #expect(late.dispatches.first?.notBefore == t0 + 61)
    }

    @Test func noGroupByWithoutWaitSendsEachEventAlone() throws {
        let engine = try engine(#"[{"name": "r", "match": {}, "receivers": ["hook"]}]"#)
        let evaluation = engine.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory())
        #expect(evaluation.dispatches.first?.groupKey == "")
        #expect(evaluation.dispatches.first?.notBefore == Support.t0)
    }

    /// (mute windows, time zone default, now as ISO 8601, muted?)
    static let muteCases: [(String, String, String, Bool)] = [
        (#"[{"weekdays": ["sat", "sun"]}]"#, "UTC", "2026-11-28T12:00:00Z", true),  // Saturday
        (#"[{"weekdays": ["sat", "sun"]}]"#, "UTC", "2026-11-27T23:59:59Z", false),  // Friday
        (#"[{"weekdays": ["sat", "sun"]}]"#, "Asia/Shanghai", "2026-11-27T16:30:00Z", true),  // Sat 00:30 in Shanghai
        (#"[{"weekdays": ["mon-fri"]}]"#, "UTC", "2026-11-25T08:00:00Z", true),
        (#"["sat"]"#, "UTC", "2026-11-29T08:00:00Z", false),  // Sunday
        (#"[{"times": ["22:00-07:00"]}]"#, "UTC", "2026-11-25T23:30:00Z", true),
        (#"[{"times": ["22:00-07:00"]}]"#, "UTC", "2026-11-25T06:59:00Z", true),
        (#"[{"times": ["22:00-07:00"]}]"#, "UTC", "2026-11-25T07:00:00Z", false),
        (#"[{"times": ["22:00-07:00"]}]"#, "UTC", "2026-11-25T21:59:59Z", false),
        (#"[{"times": ["22:00-07:00"], "timeZone": "Asia/Shanghai"}]"#, "UTC", "2026-11-25T15:00:00Z", true),  // 23:00 CST
        (#"[{"times": ["22:00-07:00"], "timeZone": "Asia/Shanghai"}]"#, "UTC", "2026-11-25T23:30:00Z", false),  // 07:30 CST
        (#"[{"times": ["09:00-17:00"], "timeZone": "America/New_York"}]"#, "UTC", "2026-07-01T13:30:00Z", true),  // 09:30 EDT
        (#"[{"times": ["09:00-17:00"], "timeZone": "America/New_York"}]"#, "UTC", "2026-12-01T13:30:00Z", false),  // 08:30 EST
        (#"[{"times": ["00:00-24:00"], "weekdays": ["wed"]}]"#, "UTC", "2026-11-25T12:00:00Z", true),
        (#"[{"dates": ["2026-12-25"]}]"#, "UTC", "2026-12-25T10:00:00Z", true),
        (#"[{"dates": ["2026-12-25"]}]"#, "Asia/Shanghai", "2026-12-24T17:00:00Z", true),  // Dec 25 01:00 CST
        (#"[{"dates": ["2026-12-25"]}]"#, "UTC", "2026-12-24T17:00:00Z", false),
        (#"["2026-12-25"]"#, "UTC", "2026-12-25T00:00:00Z", true),
        (#"["22:00-07:00"]"#, "UTC", "2026-11-25T03:00:00Z", true),
        (#"[{"weekdays": ["fri"], "times": ["18:00-24:00"]}]"#, "UTC", "2026-11-27T19:00:00Z", true),
        (#"[{"weekdays": ["fri"], "times": ["18:00-24:00"]}]"#, "UTC", "2026-11-28T19:00:00Z", false),
    ]

    @Test(arguments: muteCases)
    func muteWindows(mute: String, timeZone: String, now: String, muted: Bool) throws {
        let engine = try engine(
            #"[{"name": "r", "match": {}, "receivers": ["hook"], "mute": \#(mute)}]"#,
            defaults: #"{"timeZone": "\#(timeZone)"}"#
        )
        let date = try #require(ISO8601DateFormatter().date(from: now))
        let evaluation = engine.evaluate(Support.event(), now: date, memory: InMemoryNoiseMemory())
        #expect(evaluation.dispatches.isEmpty == muted)
        if muted {
            guard case .muted = evaluation.trace.first?.outcome else {
                Issue.record("expected a muted trace, got \(evaluation.trace)")
                return
            }
            #expect(evaluation.updates.isEmpty)
        }
    }

    @Test func recoveryAfterFailureSendsARecoveryNoticeOnce() throws {
        let engine = try engine(
            #"[{"name": "deploy", "match": {"status": ["FAILED", "TIMEOUT"]}, "receivers": ["hook", "mail"], "recovery": true}]"#
        )
        var memory = InMemoryNoiseMemory()
        let failure = engine.evaluate(
            Support.event(status: "FAILED", invocationId: "inv-1"), now: Support.t0, memory: memory)
        let key = "deploy\u{1F}invocation\u{1F}deploy-web"
        #expect(failure.updates.contains(.failing(key: key, true)))
        #expect(failure.dispatches.allSatisfy { !$0.isRecovery })
        memory.apply(failure.updates)
        #expect(memory.isFailing(key: key))

        // A second failure of the same command does not record again.
        let again = engine.evaluate(
            Support.event(status: "TIMEOUT", invocationId: "inv-2"), now: Support.t0 + 60, memory: memory)
        #expect(!again.updates.contains { if case .failing = $0 { true } else { false } })

        let success = engine.evaluate(
            Support.event(status: "SUCCESS", invocationId: "inv-3"), now: Support.t0 + 120, memory: memory)
        #expect(success.dispatches.map(\.receiver) == ["hook", "mail"])
        #expect(success.dispatches.allSatisfy { $0.isRecovery })
        #expect(success.updates == [.failing(key: key, false)])
        memory.apply(success.updates)

        let secondSuccess = engine.evaluate(
            Support.event(status: "SUCCESS", invocationId: "inv-4"), now: Support.t0 + 180, memory: memory)
        #expect(secondSuccess.dispatches.isEmpty)

        // A different command's success recovers nothing.
        memory.apply(failure.updates)
        let other = engine.evaluate(
            Support.event(status: "SUCCESS", command: "other-job", commandId: "cmd-2", invocationId: "inv-5"),
            now: Support.t0, memory: memory)
        #expect(other.dispatches.isEmpty)
    }

    @Test("The default recovery key is the command name: RunCommand makes a new command id for every run")
    func recoveryAcrossRunCommandInvocations() throws {
        let engine = try engine(
            #"[{"name": "r", "match": {"status": "FAILED"}, "receivers": ["hook"], "recovery": true}]"#)
        var memory = InMemoryNoiseMemory()
        let failure = engine.evaluate(
            Support.event(status: "FAILED", command: "nightly-job", commandId: "cmd-run0001", invocationId: "inv-1"),
            now: Support.t0, memory: memory)
        #expect(failure.updates.contains(.failing(key: "r\u{1F}invocation\u{1F}nightly-job", true)))
        memory.apply(failure.updates)
        let success = engine.evaluate(
            Support.event(status: "SUCCESS", command: "nightly-job", commandId: "cmd-run0002", invocationId: "inv-2"),
            now: Support.t0 + 86_400, memory: memory)
        #expect(success.dispatches.map(\.isRecovery) == [true])
        #expect(success.updates == [.failing(key: "r\u{1F}invocation\u{1F}nightly-job", false)])

        // A command without a name falls back to its id.
        let unnamed = engine.evaluate(
            Support.event(status: "FAILED", command: "", commandId: "cmd-x"), now: Support.t0, memory: memory)
        #expect(unnamed.updates.contains(.failing(key: "r\u{1F}invocation\u{1F}cmd-x", true)))
    }

    @Test func recoveryKeyByCommandName() throws {
        let engine = try engine(
            #"[{"name": "r", "match": {"status": "FAILED"}, "receivers": ["hook"], "recovery": {"keyBy": ["invocation.commandName"]}}]"#
        )
        var memory = InMemoryNoiseMemory()
        memory.apply(
            engine.evaluate(Support.event(status: "FAILED", commandId: "cmd-a"), now: Support.t0, memory: memory)
                .updates)
        let success = engine.evaluate(
            Support.event(status: "SUCCESS", commandId: "cmd-b", invocationId: "inv-9"), now: Support.t0, memory: memory
        )
        #expect(success.dispatches.first?.isRecovery == true)
    }

    @Test func mutedFailureIsNotRecordedForRecovery() throws {
        let engine = try engine(
            #"[{"name": "r", "match": {"status": "FAILED"}, "receivers": ["hook"], "recovery": true, "mute": ["wed"]}]"#
        )
        let evaluation = engine.evaluate(
            Support.event(status: "FAILED"), now: Support.t0, memory: InMemoryNoiseMemory())  // t0 is a Wednesday
        #expect(evaluation.dispatches.isEmpty)
        #expect(evaluation.updates.isEmpty)
    }

    @Test func sameEventToSameReceiverFromTwoRulesIsOneDispatch() throws {
        let engine = try engine(
            #"""
            [{"name": "a", "match": {"status": "FAILED"}, "receivers": ["hook"], "continue": true},
             {"name": "b", "match": {"region": "ap-guangzhou"}, "receivers": ["hook", "mail"]}]
            """#)
        let evaluation = engine.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory())
        #expect(evaluation.dispatches.map { "\($0.rule)>\($0.receiver)" } == ["a>hook", "b>mail"])
        #expect(evaluation.trace.last?.duplicateReceivers == ["hook"])
    }

    @Test func firstMatchStopsUnlessContinue() throws {
        let engine = try engine(
            #"""
            [{"name": "a", "match": {"status": "FAILED"}, "receivers": ["hook"]},
             {"name": "b", "match": {}, "receivers": ["mail"]}]
            """#)
        let evaluation = engine.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory(), explain: true)
        #expect(evaluation.dispatches.map(\.rule) == ["a"])
        #expect(evaluation.trace.last?.outcome == .skipped(afterRule: "a"))
        // A mute of the first rule still stops later rules (a silence, like Alertmanager's routing).
        let muted = try self.engine(
            #"""
            [{"name": "a", "match": {"status": "FAILED"}, "receivers": ["hook"], "mute": ["wed"]},
             {"name": "b", "match": {}, "receivers": ["mail"]}]
            """#)
        #expect(muted.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory()).dispatches.isEmpty)
    }

    @Test func disabledRulesAndExplanations() throws {
        let engine = try engine(
            #"""
            [{"name": "off", "enabled": false, "match": {}, "receivers": ["hook"]},
             {"name": "cmd", "match": {"invocation.commandName": {"glob": "backup-*"}}, "receivers": ["hook"]}]
            """#)
        let evaluation = engine.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory(), explain: true)
        #expect(evaluation.dispatches.isEmpty)
        #expect(evaluation.trace.first?.outcome == .disabled)
        #expect(
            evaluation.trace.last?.outcome
                == .notMatched(reason: "invocation.commandName is \"deploy-web\", wanted glob \"backup-*\""))
        // Without explain, rules that did not match leave no trace.
        #expect(engine.evaluate(Support.event(), now: Support.t0, memory: InMemoryNoiseMemory()).trace.isEmpty)
    }

    @Test func batchEvaluationSeesEarlierUpdates() throws {
        let engine = try engine(#"[{"name": "r", "match": {}, "receivers": ["hook"], "throttle": "1h"}]"#)
        let events = (1...5).map { Support.event(invocationId: "inv-\($0)") }
        let evaluation = engine.evaluate(events, now: Support.t0, memory: InMemoryNoiseMemory())
        #expect(evaluation.dispatches.count == 1)
        #expect(evaluation.updates.count == 1)
    }
}
