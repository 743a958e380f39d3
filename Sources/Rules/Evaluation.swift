import Foundation
import Outbox

/// What the engine decided for one event.
public struct Evaluation: Sendable {
    /// Notifications to store in the outbox (at most one per receiver).
    public var dispatches: [Dispatch] = []
    /// Noise-memory changes to persist in the same transaction.
    public var updates: [NoiseUpdate] = []
    /// Per rule: what happened and why (non-matching rules only when asked for an explanation).
    public var trace: [RuleTrace] = []

    public init(dispatches: [Dispatch] = [], updates: [NoiseUpdate] = [], trace: [RuleTrace] = []) {
        self.dispatches = dispatches
        self.updates = updates
        self.trace = trace
    }
}

/// What one rule did with an event.
public struct RuleTrace: Sendable, Hashable, CustomStringConvertible {
    /// The rule's name.
    public var rule: String
    /// The outcome.
    public var outcome: Outcome
    /// Receivers notified by this rule for this event.
    public var receivers: [String]
    /// Receivers skipped because an earlier rule already sends the event to them.
    public var duplicateReceivers: [String]

    public init(rule: String, outcome: Outcome, receivers: [String] = [], duplicateReceivers: [String] = []) {
        self.rule = rule
        self.outcome = outcome
        self.receivers = receivers
        self.duplicateReceivers = duplicateReceivers
    }

    /// The possible outcomes of a rule for an event.
    public enum Outcome: Sendable, Hashable {
        /// The rule is disabled.
        case disabled
        /// The match tree did not hold; the reason is filled in when an explanation was asked for.
        case notMatched(reason: String?)
        /// Not evaluated: an earlier matching rule has `continue: false`.
        case skipped(afterRule: String)
        /// Matched, but the named mute window is active.
        case muted(window: String)
        /// Matched, but the group key notified recently; quiet until the date.
        case throttled(groupKey: String, until: Date)
        /// Matched and dispatched; sent at `notBefore` (later than now when grouping).
        case notified(groupKey: String, notBefore: Date, joinedGroup: Bool)
        /// A recovery notice: the command had failed and now succeeded.
        case recovered(key: String, notBefore: Date)
        /// A success that cleared a failure, while muted (no notice sent).
        case recoveryMuted(window: String)
    }

    public var description: String {
        var text: String
        switch outcome {
        case .disabled: text = "disabled"
        case .notMatched(let reason): text = "not matched" + (reason.map { ": \($0)" } ?? "")
        case .skipped(let rule): text = "not evaluated: rule \"\(rule)\" matched first and does not continue"
        case .muted(let window): text = "matched, muted by window \"\(window)\""
        case .throttled(let key, let until):
            text =
                "matched, throttled" + (key.isEmpty ? "" : " (group \"\(key)\")")
                + " until \(until.formatted(.iso8601))"
        case .notified(let key, let notBefore, let joined):
            text =
                "matched, notifying"
                + (key.isEmpty ? "" : (joined ? " (joined open group \"\(key)\")" : " (new group \"\(key)\")"))
                + " at \(notBefore.formatted(.iso8601))"
        case .recovered(_, let notBefore):
            text = "recovery: the command had failed and now succeeded; notifying at \(notBefore.formatted(.iso8601))"
        case .recoveryMuted(let window): text = "recovery cleared, notice muted by window \"\(window)\""
        }
        if !receivers.isEmpty { text += " → " + receivers.joined(separator: ", ") }
        if !duplicateReceivers.isEmpty {
            text += " (already sent by an earlier rule: \(duplicateReceivers.joined(separator: ", ")))"
        }
        return "rule \"\(rule)\": " + text
    }
}
