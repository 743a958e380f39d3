import Events
import Foundation
import Outbox

/// One rule of the rules file, validated and compiled.
public struct Rule: Sendable {
    /// Unique name; appears in dispatches, traces and throttle memory.
    public var name: String
    /// Free text for people reading the file.
    public var description: String?
    /// Disabled rules are skipped; default true.
    public var enabled: Bool
    /// Receiver names to notify.
    public var receivers: [String]
    /// Keep evaluating later rules after this one matched; default false (first match wins).
    public var continueMatching: Bool
    /// Suppress repeats for the same group key for this long after a notification; default none.
    public var throttleSeconds: Double?
    /// Field paths whose values form the group key; default none (each event on its own).
    public var groupBy: [String]
    /// How long to collect events of a group before sending; default 0.
    public var groupWaitSeconds: Double
    /// Times when the rule stays quiet.
    public var mute: [MuteWindow]
    /// Recovery notices, when enabled.
    public var recovery: Recovery?
    /// Template overrides of the rule.
    var templates: MessageTemplates
    /// The `match` tree.
    let condition: Condition
    /// The compiled `match` tree.
    let matcher: Matcher
    let groupFields: [EventField]

    /// Recovery settings: when a command this rule notified as failing succeeds again, send a notice.
    public struct Recovery: Sendable {
        /// Field paths identifying "the same command"; default `["invocation.commandName"]`, falling
        /// back to the command id for events whose command has no name. The name, not the id, is
        /// the default because `RunCommand` creates a new temporary command (a new id) for every
        /// run: keyed by id, a failing-then-fixed RunCommand job would never recover.
        public var keyBy: [String]
        let fields: [EventField]
    }

    init(
        name: String, description: String?, enabled: Bool, receivers: [String], continueMatching: Bool,
        throttleSeconds: Double?, groupBy: [EventField], groupWaitSeconds: Double, mute: [MuteWindow],
        recovery: Recovery?, templates: MessageTemplates, condition: Condition
    ) {
        self.name = name
        self.description = description
        self.enabled = enabled
        self.receivers = receivers
        self.continueMatching = continueMatching
        self.throttleSeconds = throttleSeconds
        self.groupBy = groupBy.map(\.path)
        self.groupFields = groupBy
        self.groupWaitSeconds = groupWaitSeconds
        self.mute = mute
        self.recovery = recovery
        self.templates = templates
        self.condition = condition
        self.matcher = Matcher(condition)
    }

    /// Whether `event` satisfies the `match` tree.
    func matches(_ event: Event) -> Bool { matcher.matches(event) }

    /// ``matches(_:)`` for an event behind a reference.
    func matches(_ ref: EventRef) -> Bool { matcher.matches(ref.event) }

    /// The group key of `event`: the `groupBy` values joined by `|` (absent values as empty).
    func groupKey(for event: Event) -> String { Self.groupKey(groupFields, event) }

    /// ``groupKey(for:)`` from the rule's `groupBy` fields alone (the engine keeps them apart from
    /// the rule so that it never copies a whole rule per event).
    static func groupKey(_ fields: [EventField], _ event: Event) -> String {
        switch fields.count {
        case 0: return ""
        case 1: return fields[0].text(event) ?? ""
        default: return fields.map { $0.text(event) ?? "" }.joined(separator: "|")
        }
    }

    /// The key under which a failure of `event`'s command is remembered: rule, level, key values.
    func recoveryKey(for event: Event) -> String? {
        recovery.flatMap { Self.recoveryKey(rule: name, $0, event) }
    }

    /// ``recoveryKey(for:)`` from the rule's name and recovery settings alone.
    static func recoveryKey(rule name: String, _ recovery: Recovery, _ event: Event) -> String? {
        recoveryKey(prefix: recoveryKeyPrefix(rule: name, taskLevel: event.type.isTaskLevel), recovery, event)
    }

    /// The start of every recovery key of rule `name` at one level: rule and level.
    static func recoveryKeyPrefix(rule name: String, taskLevel: Bool) -> String {
        name + "\u{1F}" + (taskLevel ? "task" : "invocation")
    }

    /// ``recoveryKey(for:)`` from a prefix made by ``recoveryKeyPrefix(rule:taskLevel:)``.
    static func recoveryKey(prefix: String, _ recovery: Recovery, _ event: Event) -> String? {
        var key = ""
        return recoveryKey(prefix: prefix, recovery, event, into: &key) ? key : nil
    }

    /// ``recoveryKey(prefix:_:_:)`` written into `key`, whose storage is reused (the engine looks up
    /// every recovery rule's key for each success without allocating); false when there is no key.
    static func recoveryKey(prefix: String, _ recovery: Recovery, _ event: Event, into key: inout String) -> Bool {
        let separator = RecoveryKeyTail.separatorText
        key.removeAll(keepingCapacity: true)
        key.reserveCapacity(prefix.utf8.count + 48)
        key += prefix
        var anyValue = false
        for index in recovery.fields.indices {
            let value = recovery.value(index, event)
            anyValue = anyValue || !value.isEmpty
            key += separator
            key += value
        }
        return anyValue
    }

    static let defaultRecoveryKey = ["invocation.commandName"]
}

extension Rule.Recovery {
    /// The value of key field `index` of `event` as a recovery key holds it: absent as empty, and
    /// with the default `keyBy`, the command id when the command has no name.
    func value(_ index: Int, _ event: Event) -> String {
        let value = fields[index].text(event) ?? ""
        guard value.isEmpty, fields.count == 1, keyBy == Rule.defaultRecoveryKey else { return value }
        return event.invocation.commandId ?? ""
    }

    /// The ``RecoveryKeyTail`` of every recovery key these settings make for `event`, whichever the
    /// rule and level (the tail lies in the last key value); `nil` without key fields.
    func keyTail(_ event: Event) -> String? {
        guard !fields.isEmpty else { return nil }
        let last = value(fields.count - 1, event)
        return last.utf8.contains(RecoveryKeyTail.separator) ? RecoveryKeyTail.of(last) : last
    }

    /// Settings whose keys of an event have the same tail share this identity: the last key field
    /// and whether the command id stands in for a missing name.
    var tailIdentity: String? {
        guard let last = keyBy.last, !fields.isEmpty else { return nil }
        return keyBy == Rule.defaultRecoveryKey ? last + "\u{1F}default" : last
    }
}

/// A receiver of the rules file: the delivery contract plus what rendering needs.
public struct ReceiverConfig: Sendable {
    /// The resolved receiver the delivery module sends to.
    public var receiver: Receiver
    /// References (`env:NAME`, `file:PATH`) that could not be resolved at load; the receiver
    /// cannot be used while this is not empty.
    public var missingReferences: [String]
    /// Template overrides of the receiver (take precedence over the rule's).
    var templates: MessageTemplates
}

/// Template overrides, compiled.
struct MessageTemplates: Sendable {
    var title: CompiledTemplate?
    var body: CompiledTemplate?
    /// Generic webhook JSON body (`format: template`).
    var bodyTemplate: CompiledTemplate?
    /// Email HTML alternative.
    var html: CompiledTemplate?
}
