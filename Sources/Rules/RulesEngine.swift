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
    /// Positions in ``entries`` by rule name (rendering looks rules up by the name in a dispatch).
    private let positions: [String: Int]
    /// One recovery setting per distinct ``Rule/Recovery/tailIdentity``: a success asks the noise
    /// memory once per entry whether anything with its key tail fails, instead of once per rule.
    private let tailSettings: [Rule.Recovery]
    /// Every rule, as the candidates of an evaluation that visits them all.
    private let every: [CommandIndex.Candidate]
    /// The receivers as rendering reads them, by name: shared, with their request headers made once
    /// per rules load rather than per message.
    let renderTargets: [String: RenderTarget]

    /// A receiver's configuration and the headers of its webhook requests.
    final class RenderTarget: Sendable {
        let config: ReceiverConfig
        let headers: [String: String]

        init(_ config: ReceiverConfig) {
            self.config = config
            self.headers = Renderer.requestHeaders(config.receiver)
        }
    }

    /// What evaluation reads of a rule, held apart: reading a field of a `Rule` stored in a class
    /// copies the whole rule (a retain per field) on this path, reading these does not.
    private final class Entry: Sendable {
        let rule: Rule
        let name: String
        let matcher: Matcher
        let enabled: Bool
        let continueMatching: Bool
        let receivers: [String]
        let groupFields: [EventField]
        let groupWaitSeconds: Double
        let throttleSeconds: Double?
        let mute: [MuteWindow]
        let recovery: Rule.Recovery?
        /// Recovery keys start with these (invocation level, task level): built once, not per event.
        let recoveryPrefixes: (invocation: String, task: String)
        /// The position of the rule's recovery setting in the engine's `tailSettings`; `nil` without
        /// recovery or when the setting is not indexed (beyond ``TailFilter/capacity``).
        let tailSetting: Int?

        init(_ rule: Rule, tailSetting: Int?) {
            self.rule = rule
            self.name = rule.name
            self.matcher = rule.matcher
            self.enabled = rule.enabled
            self.continueMatching = rule.continueMatching
            self.receivers = rule.receivers
            self.groupFields = rule.groupFields
            self.groupWaitSeconds = rule.groupWaitSeconds
            self.throttleSeconds = rule.throttleSeconds
            self.mute = rule.mute
            self.recovery = rule.recovery
            self.recoveryPrefixes = (
                Rule.recoveryKeyPrefix(rule: rule.name, taskLevel: false),
                Rule.recoveryKeyPrefix(rule: rule.name, taskLevel: true)
            )
            self.tailSetting = tailSetting
        }

        var hasRecovery: Bool { recovery != nil }

        func recoveryKey(for event: Event) -> String? {
            var key = ""
            return recoveryKey(for: event, into: &key) ? key : nil
        }

        /// Writes the recovery key of `event` into `key` (reusing its storage); false when there is none.
        func recoveryKey(for event: Event, into key: inout String) -> Bool {
            guard let recovery else { return false }
            let prefix = event.type.isTaskLevel ? recoveryPrefixes.task : recoveryPrefixes.invocation
            return Rule.recoveryKey(prefix: prefix, recovery, event, into: &key)
        }

        /// The active mute window at `now`, if any (most rules have none).
        func activeMute(_ now: Date) -> MuteWindow? { mute.isEmpty ? nil : mute.first { $0.contains(now) } }

        /// The group key: the `groupBy` values joined by `|`; `*` when the rule waits without
        /// `groupBy` (all its events form one group); empty when the rule does not group.
        func groupKey(_ event: Event) -> String {
            if groupFields.isEmpty { return groupWaitSeconds > 0 ? "*" : "" }
            return Rule.groupKey(groupFields, event)
        }
    }

    public init(ruleSet: RuleSet) {
        self.ruleSet = ruleSet
        self.secrets = SecretSet(receivers: ruleSet.receivers.values)
        var tailSettings: [Rule.Recovery] = []
        var tailPositions: [String: Int] = [:]
        self.entries = ruleSet.rules.map { rule in
            guard let recovery = rule.recovery, let identity = recovery.tailIdentity else {
                return Entry(rule, tailSetting: nil)
            }
            if let position = tailPositions[identity] { return Entry(rule, tailSetting: position) }
            guard tailSettings.count < TailFilter.capacity else { return Entry(rule, tailSetting: nil) }
            tailPositions[identity] = tailSettings.count
            tailSettings.append(recovery)
            return Entry(rule, tailSetting: tailSettings.count - 1)
        }
        self.tailSettings = tailSettings
        self.every = ruleSet.rules.indices.map { CommandIndex.Candidate(position: $0, recoveryOnly: false) }
        self.index = CommandIndex(rules: ruleSet.rules)
        self.renderTargets = ruleSet.receiverConfigs.mapValues(RenderTarget.init)
        self.positions = Dictionary(
            ruleSet.rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Calls `body` with the rule named `name` (`nil` when there is none), without copying the rule.
    func withRule<Result, Failure: Error>(named name: String, _ body: (Rule?) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        guard let position = positions[name] else { return try body(nil) }
        return try body(entries[position].rule)
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
        let isSuccess = StatusClass.isSuccess(event)
        // Explanations visit every rule; otherwise only those that can match the command name (and,
        // for a success, every rule with recovery).
        if explain || !index.isUseful {
            return every.withUnsafeBufferPointer { every in
                evaluate(event, isSuccess: isSuccess, visiting: every, now: now, memory: memory, explain: explain)
            }
        }
        return index.withCandidates(for: event, isSuccess: isSuccess) { candidates in
            evaluate(event, isSuccess: isSuccess, visiting: candidates, now: now, memory: memory, explain: false)
        }
    }

    private func evaluate(
        _ event: Event, isSuccess: Bool, visiting candidates: UnsafeBufferPointer<CommandIndex.Candidate>, now: Date,
        memory: some NoiseMemory, explain: Bool
    ) -> Evaluation {
        var evaluation = Evaluation()
        var sentTo: [String] = []
        var stoppedBy: String?
        var isFailure: Bool?
        // Recovery keys are looked up in this one buffer: no string is allocated per rule and event.
        var scratch = ""
        // Which recovery settings' key tails have a recorded failure: the rules whose tail has none
        // cannot recover, and build no key.
        var tails = TailFilter()
        if isSuccess { tails.load(tailSettings, event, memory) }

        for candidate in candidates {
            let entry = entries[candidate.position]
            guard entry.enabled else {
                if explain { evaluation.trace.append(RuleTrace(rule: entry.name, outcome: .disabled)) }
                continue
            }
            // Fast path: most rules do not match and need nothing else.
            var matched: Bool?
            if !explain, !(isSuccess && entry.hasRecovery) {
                if stoppedBy != nil { continue }
                if !entry.matcher.matches(event) { continue }
                matched = true
            }
            if isSuccess, entry.hasRecovery, tails.mayBeFailing(entry.tailSetting),
                entry.recoveryKey(for: event, into: &scratch), memory.isFailing(key: scratch)
            {
                let key = scratch
                evaluation.updates.append(.failing(key: key, false))
                if let window = entry.activeMute(now) {
                    evaluation.trace.append(RuleTrace(rule: entry.name, outcome: .recoveryMuted(window: window.name)))
                    continue
                }
                let grouped = !entry.groupFields.isEmpty && entry.groupWaitSeconds > 0
                let groupKey = grouped ? "recovery|" + Rule.groupKey(entry.groupFields, event) : ""
                let notBefore = grouped ? now.addingTimeInterval(entry.groupWaitSeconds) : now
                var trace = RuleTrace(rule: entry.name, outcome: .recovered(key: key, notBefore: notBefore))
                dispatch(event, entry, groupKey, notBefore, isRecovery: true, &sentTo, &evaluation, &trace)
                evaluation.trace.append(trace)
                continue
            }
            // Filed under a prefix the command name lacks: it was visited for the check above only.
            if candidate.recoveryOnly { continue }
            if let stoppedBy {
                if explain {
                    evaluation.trace.append(RuleTrace(rule: entry.name, outcome: .skipped(afterRule: stoppedBy)))
                }
                continue
            }
            guard matched ?? entry.matcher.matches(event) else {
                if explain {
                    evaluation.trace.append(
                        RuleTrace(rule: entry.name, outcome: .notMatched(reason: entry.rule.condition.mismatch(event))))
                }
                continue
            }
            if !entry.continueMatching { stoppedBy = entry.name }
            if let window = entry.activeMute(now) {
                evaluation.trace.append(RuleTrace(rule: entry.name, outcome: .muted(window: window.name)))
                continue
            }
            if entry.hasRecovery {
                // The key is built only for failures (the only case that records one).
                if isFailure == nil { isFailure = StatusClass.isFailure(event) }
                if isFailure == true, let key = entry.recoveryKey(for: event), !memory.isFailing(key: key) {
                    evaluation.updates.append(.failing(key: key, true))
                }
            }
            let groupKey = entry.groupKey(event)
            let last = memory.lastNotified(rule: entry.name, groupKey: groupKey)
            let notBefore: Date
            var joined = false
            if let last, entry.groupWaitSeconds > 0, now < last.addingTimeInterval(entry.groupWaitSeconds) {
                notBefore = last.addingTimeInterval(entry.groupWaitSeconds)
                joined = true
            } else if let last, let throttle = entry.throttleSeconds, now < last.addingTimeInterval(throttle) {
                let until = last.addingTimeInterval(throttle)
                evaluation.trace.append(
                    RuleTrace(rule: entry.name, outcome: .throttled(groupKey: groupKey, until: until)))
                continue
            } else {
                notBefore = now.addingTimeInterval(entry.groupWaitSeconds)
                evaluation.updates.append(.notified(rule: entry.name, groupKey: groupKey, at: now))
            }
            var trace = RuleTrace(
                rule: entry.name, outcome: .notified(groupKey: groupKey, notBefore: notBefore, joinedGroup: joined))
            dispatch(event, entry, groupKey, notBefore, isRecovery: false, &sentTo, &evaluation, &trace)
            evaluation.trace.append(trace)
        }
        return evaluation
    }

    /// Evaluates events in order, each seeing the memory updates of those before it.
    public func evaluate(_ events: [Event], now: Date, memory: some NoiseMemory, explain: Bool = false) -> Evaluation {
        var overlay = OverlayNoiseMemory(base: memory)
        var total = Evaluation()
        events.forEachInPlace { event in
            let evaluation = evaluate(event, now: now, memory: overlay, explain: explain)
            overlay.apply(evaluation.updates)
            total.dispatches += evaluation.dispatches
            total.updates += evaluation.updates
            total.trace += evaluation.trace
        }
        return total
    }

    private func dispatch(
        _ event: Event, _ rule: Entry, _ groupKey: String, _ notBefore: Date, isRecovery: Bool,
        _ sentTo: inout [String],
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

/// For one success event: whether the noise memory may hold a failure under the key tail of each of
/// the engine's distinct recovery settings (a bit per setting, asked once per event).
struct TailFilter {
    /// How many settings get a bit; rules with any further setting are always looked up.
    static let capacity = 64
    private var mayFail: UInt64 = 0

    /// No setting may fail (until ``load(_:_:_:)``).
    init() {}

    /// Asks `memory` about the key tails of `event` under each of `settings`.
    mutating func load(_ settings: [Rule.Recovery], _ event: Event, _ memory: some NoiseMemory) {
        for (position, setting) in settings.enumerated() {
            guard let tail = setting.keyTail(event), memory.mayBeFailing(tail: tail) else { continue }
            mayFail |= 1 << UInt64(position)
        }
    }

    /// Whether the rule with recovery setting `position` may find its key failing (`nil`: not indexed).
    func mayBeFailing(_ position: Int?) -> Bool {
        guard let position else { return true }
        return mayFail & (1 << UInt64(position)) != 0
    }
}

/// A noise memory seen through updates not yet persisted.
struct OverlayNoiseMemory<Base: NoiseMemory>: NoiseMemory {
    let base: Base
    var notified: [String: Date] = [:]
    var failing: [String: Bool] = [:]
    var failingTails: Set<String> = []

    func lastNotified(rule: String, groupKey: String) -> Date? {
        notified[InMemoryNoiseMemory.key(rule, groupKey)] ?? base.lastNotified(rule: rule, groupKey: groupKey)
    }

    func isFailing(key: String) -> Bool { failing[key] ?? base.isFailing(key: key) }

    /// Keys set failing here are counted by tail, like the base does (cleared ones stay: the answer
    /// may err towards `true` only).
    func mayBeFailing(tail: String) -> Bool { failingTails.contains(tail) || base.mayBeFailing(tail: tail) }

    mutating func apply(_ updates: [NoiseUpdate]) {
        for update in updates {
            switch update {
            case .notified(let rule, let groupKey, let at): notified[InMemoryNoiseMemory.key(rule, groupKey)] = at
            case .failing(let key, let flag):
                failing[key] = flag
                if flag { failingTails.insert(RecoveryKeyTail.of(key)) }
            }
        }
    }
}
