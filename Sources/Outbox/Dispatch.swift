import Foundation

/// The decision that one event goes to one receiver because of one rule: what the outbox stores.
///
/// Rows with the same ``receiver``, ``rule`` and a non-empty ``groupKey`` that are due together are
/// rendered as one message (grouping); an empty group key means the event is sent on its own.
public struct Dispatch: Codable, Sendable, Hashable {
    /// The event's deterministic id.
    public var eventId: String
    /// Receiver name from the rules file.
    public var receiver: String
    /// Rule name from the rules file.
    public var rule: String
    /// Grouping key (rule's `groupBy` values joined); empty when the rule does not group.
    public var groupKey: String
    /// Not to be sent before this time: the detection time, or that plus the rule's `groupWait`.
    public var notBefore: Date
    /// Whether this is a recovery notice (a command that failed has succeeded again).
    public var isRecovery: Bool

    public init(
        eventId: String, receiver: String, rule: String, groupKey: String = "", notBefore: Date,
        isRecovery: Bool = false
    ) {
        self.eventId = eventId
        self.receiver = receiver
        self.rule = rule
        self.groupKey = groupKey
        self.notBefore = notBefore
        self.isRecovery = isRecovery
    }

    /// The idempotency key for a delivery of this event to this receiver: stable across retries,
    /// restarts and re-detection (the event id is deterministic).
    public var idempotencyKey: String { "\(eventId):\(receiver)" }
}
