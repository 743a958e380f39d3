import Events
import Foundation
import Outbox
import Secrets

/// The pure rules engine: matching, noise control and rendering over one ``RuleSet``.
/// No clock, no I/O: time and noise memory are parameters, decisions are returned.
public struct RulesEngine: Sendable {
    /// The rules evaluated.
    public let ruleSet: RuleSet
    /// Every receiver secret of ``ruleSet``, built once per rules load for whatever scrubs text.
    public let secrets: SecretSet
    /// The rules as shared references: iterating them costs one retain each rather than a copy of
    /// every field of a `Rule`.
    private let entries: [Entry]
    /// Narrows the rules an event visits by its command name.
    private let index: CommandIndex

    private final class Entry: Sendable {
        let rule: Rule
        let matches: @Sendable (EventRef) -> Bool
        let enabled: Bool
        let hasRecovery: Bool
        let hasMute: Bool

        init(_ rule: Rule) {
            self.rule = rule
            self.matches = rule.matches
            self.enabled = rule.enabled
            self.hasRecovery = rule.recovery != nil
            self.hasMute = !rule.mute.isEmpty
        }
    }

    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.secrets = SecretSet(receivers: ruleSet.receivers.values)
        self.entries = ruleSet.rules.map(Entry.init)
        self.index = CommandIndex(rules: ruleSet.rules)
    }

    /// Decides which receivers `event` goes to, at `now`, given what noise control remembers.
    ///
    /// Rules are evaluated in file order; the first matching rule without `continue: true` stops
    /// matching (recovery checks still run for every rule). A receiver gets the event once even when
    /// several rules send it there. Apply ``Evaluation/updates`` to the memory before evaluating the
    /// next event, or evaluate a batch with the `[Event]` overload, which does that itself.
    ///
    /// - Parameter explain: Also trace rules that did not match, with the reason (slower; for
    ///   `tattle test-rule`). Default false: only rules that matched or recovered are traced.
    public func evaluate(_ event: Event, now: Date, memory: some NoiseMemory, explain: Bool = false) -> Evaluation {
        var evaluation = Evaluation()
        var sentTo: [String] = []
        var stoppedBy: String?
        let isSuccess = StatusClass.isSuccess(event)
        var isFailure: Bool?
        let ref = EventRef(event)

        // Explanations visit every rule; otherwise only those that can match the command name.
        let positions = explain || !index.isUseful ? Array(entries.indices) : index.candidates(for: event)
        for position in positions {
            let entry = entries[position]
            guard entry.enabled else {
                if explain { evaluation.trace.append(RuleTrace(rule: entry.rule.name, outcome: .disabled)) }
                continue
            }
            // Fast path: most rules do not match and need nothing else.
            var matched: Bool?
            if !explain, !(isSuccess && entry.hasRecovery) {
                if stoppedBy != nil { continue }
                if !entry.matches(ref) { continue }
                matched = true
            }
            let rule = entry.rule
            if isSuccess, entry.hasRecovery, let key = rule.recoveryKey(for: ref), memory.isFailing(key: key) {
                evaluation.updates.append(.failing(key: key, false))
                if let window = activeMute(rule, now) {
                    evaluation.trace.append(RuleTrace(rule: rule.name, outcome: .recoveryMuted(window: window.name)))
                    continue
                }
                let grouped = !rule.groupFields.isEmpty && rule.groupWaitSeconds > 0
                let groupKey = grouped ? "recovery|" + rule.groupKey(for: event) : ""
                let notBefore = grouped ? now.addingTimeInterval(rule.groupWaitSeconds) : now
                var trace = RuleTrace(rule: rule.name, outcome: .recovered(key: key, notBefore: notBefore))
                dispatch(event, rule, groupKey, notBefore, isRecovery: true, &sentTo, &evaluation, &trace)
                evaluation.trace.append(trace)
                continue
            }
            if let stoppedBy {
                if explain {
                    evaluation.trace.append(RuleTrace(rule: rule.name, outcome: .skipped(afterRule: stoppedBy)))
                }
                continue
            }
            guard matched ?? entry.matches(ref) else {
                if explain {
                    evaluation.trace.append(
                        RuleTrace(rule: rule.name, outcome: .notMatched(reason: rule.condition.mismatch(event))))
                }
                continue
            }
            if !rule.continueMatching { stoppedBy = rule.name }
            if let window = activeMute(rule, now) {
                evaluation.trace.append(RuleTrace(rule: rule.name, outcome: .muted(window: window.name)))
                continue
            }
            if entry.hasRecovery, let key = rule.recoveryKey(for: ref) {
                if isFailure == nil { isFailure = StatusClass.isFailure(event) }
                if isFailure == true, !memory.isFailing(key: key) {
                    evaluation.updates.append(.failing(key: key, true))
                }
            }
            let groupKey = groupKey(rule, event)
            let last = memory.lastNotified(rule: rule.name, groupKey: groupKey)
            let notBefore: Date
            var joined = false
            if let last, rule.groupWaitSeconds > 0, now < last.addingTimeInterval(rule.groupWaitSeconds) {
                notBefore = last.addingTimeInterval(rule.groupWaitSeconds)
                joined = true
            } else if let last, let throttle = rule.throttleSeconds, now < last.addingTimeInterval(throttle) {
                let until = last.addingTimeInterval(throttle)
                evaluation.trace.append(
                    RuleTrace(rule: rule.name, outcome: .throttled(groupKey: groupKey, until: until)))
                continue
            } else {
                notBefore = now.addingTimeInterval(rule.groupWaitSeconds)
                evaluation.updates.append(.notified(rule: rule.name, groupKey: groupKey, at: now))
            }
            var trace = RuleTrace(
                rule: rule.name, outcome: .notified(groupKey: groupKey, notBefore: notBefore, joinedGroup: joined))
            dispatch(event, rule, groupKey, notBefore, isRecovery: false, &sentTo, &evaluation, &trace)
            evaluation.trace.append(trace)
        }
        return evaluation
    }

    /// Evaluates events in order, each seeing the memory updates of those before it.
    public func evaluate(_ events: [Event], now: Date, memory: some NoiseMemory, explain: Bool = false) -> Evaluation {
        var overlay = OverlayNoiseMemory(base: memory)
        var total = Evaluation()
        for event in events {
            let evaluation = evaluate(event, now: now, memory: overlay, explain: explain)
            overlay.apply(evaluation.updates)
            total.dispatches += evaluation.dispatches
            total.updates += evaluation.updates
            total.trace += evaluation.trace
        }
        return total
    }

    /// The group key of `event` under `rule`: the `groupBy` values joined by `|`; `*` when the rule
    /// waits without `groupBy` (all its events form one group); empty when the rule does not group.
    func groupKey(_ rule: Rule, _ event: Event) -> String {
        if rule.groupFields.isEmpty { return rule.groupWaitSeconds > 0 ? "*" : "" }
        return rule.groupKey(for: event)
    }

    private func activeMute(_ rule: Rule, _ now: Date) -> MuteWindow? {
        // Callers reach here for matched rules only; most rules have no windows.
        rule.mute.isEmpty ? nil : rule.mute.first { $0.contains(now) }
    }

    private func dispatch(
        _ event: Event, _ rule: Rule, _ groupKey: String, _ notBefore: Date, isRecovery: Bool, _ sentTo: inout [String],
        _ evaluation: inout Evaluation, _ trace: inout RuleTrace
    ) {
        for receiver in rule.receivers {
            if sentTo.contains(receiver) {
                trace.duplicateReceivers.append(receiver)
                continue
            }
            sentTo.append(receiver)
            trace.receivers.append(receiver)
            evaluation.dispatches.append(
                Dispatch(
                    eventId: event.id, receiver: receiver, rule: rule.name, groupKey: groupKey, notBefore: notBefore,
                    isRecovery: isRecovery)
            )
        }
    }
}

/// A noise memory seen through updates not yet persisted.
struct OverlayNoiseMemory<Base: NoiseMemory>: NoiseMemory {
    let base: Base
    var notified: [String: Date] = [:]
    var failing: [String: Bool] = [:]

    func lastNotified(rule: String, groupKey: String) -> Date? {
        notified[rule + "\u{1F}" + groupKey] ?? base.lastNotified(rule: rule, groupKey: groupKey)
    }

    func isFailing(key: String) -> Bool { failing[key] ?? base.isFailing(key: key) }

    mutating func apply(_ updates: [NoiseUpdate]) {
        for update in updates {
            switch update {
            case .notified(let rule, let groupKey, let at): notified[rule + "\u{1F}" + groupKey] = at
            case .failing(let key, let flag): failing[key] = flag
            }
        }
    }
}
