import Foundation

/// What noise control remembers between events, read by the pure rules engine. The daemon keeps it
/// in the state database and applies ``NoiseUpdate``s in the same transaction as the outbox rows.
public protocol NoiseMemory: Sendable {
    /// When `rule` last notified for `groupKey` (throttle windows).
    func lastNotified(rule: String, groupKey: String) -> Date?
    /// Whether the command identified by `key` (a rule's recovery key) is currently failing.
    func isFailing(key: String) -> Bool
    /// Whether some failing key has the tail `tail` (see ``RecoveryKeyTail``). `false` promises that
    /// ``isFailing(key:)`` is false for every key with that tail, so a success skips the lookups of
    /// all the rules that would key it so; `true` promises nothing. Default: `true` (no index).
    func mayBeFailing(tail: String) -> Bool
}

extension NoiseMemory {
    /// Without an index every key may be failing.
    public func mayBeFailing(tail: String) -> Bool { true }
}

/// The tail of a recovery key: the text after its last U+001F (unit separator), or the whole key
/// when it has none. Recovery keys end with the value that identifies the command (by default its
/// name), so a success event knows the tail of every key it could clear before building any key.
public enum RecoveryKeyTail {
    /// The separator between a recovery key's components, as a byte.
    public static let separator: UInt8 = 0x1F
    /// The same separator as text: what ``Rules`` writes between a key's components, so the tail
    /// this type finds is the one the keys were built with.
    public static let separatorText = String(UnicodeScalar(separator))

    /// The tail of `key`.
    public static func of(_ key: String) -> String {
        guard let last = key.utf8.lastIndex(of: separator) else { return key }
        return String(key[key.utf8.index(after: last)...])
    }
}

/// A change to ``NoiseMemory`` decided by the engine.
public enum NoiseUpdate: Codable, Sendable, Hashable {
    /// `rule` notified for `groupKey` at `at`: starts a throttle window.
    case notified(rule: String, groupKey: String, at: Date)
    /// The command identified by `key` started (`true`) or stopped (`false`) failing.
    case failing(key: String, Bool)
}

/// A ``NoiseMemory`` held in memory: for tests, `tattle test-rule`, and as the daemon's cache.
///
/// Failing keys are also counted by tail (``RecoveryKeyTail``), so that a success of a command that
/// has no recorded failure answers ``mayBeFailing(tail:)`` with one lookup instead of one per rule
/// with recovery. Equality and hashing see the throttle windows and the failing keys only.
public struct InMemoryNoiseMemory: NoiseMemory, Hashable {
    /// Last notification time by rule and group key.
    public var notified: [String: Date] = [:]
    /// Keys of commands currently failing. Setting it rebuilds the tail index; ``apply(_:)`` keeps
    /// the index up to date key by key.
    public var failing: Set<String> {
        get { failingKeys }
        set {
            failingKeys = newValue
            failingTails = [:]
            for key in newValue { failingTails[RecoveryKeyTail.of(key), default: 0] += 1 }
        }
    }
    private var failingKeys: Set<String> = []
    /// How many of ``failing``'s keys have each tail (no entry for a count of zero).
    private var failingTails: [String: Int] = [:]

    public init() {}

    public func lastNotified(rule: String, groupKey: String) -> Date? { notified[Self.key(rule, groupKey)] }
    public func isFailing(key: String) -> Bool { failingKeys.contains(key) }
    public func mayBeFailing(tail: String) -> Bool { failingTails[tail] != nil }

    /// Applies updates in order.
    public mutating func apply(_ updates: [NoiseUpdate]) {
        for update in updates {
            switch update {
            case let .notified(rule, groupKey, at): notified[Self.key(rule, groupKey)] = at
            case let .failing(key, true):
                if failingKeys.insert(key).inserted { failingTails[RecoveryKeyTail.of(key), default: 0] += 1 }
            case let .failing(key, false):
                guard failingKeys.remove(key) != nil else { continue }
                let tail = RecoveryKeyTail.of(key)
                if let count = failingTails[tail], count > 1 {
                    failingTails[tail] = count - 1
                } else {
                    failingTails[tail] = nil
                }
            }
        }
    }

    /// The key of a throttle window: rule, unit separator, group key (built with one allocation).
    package static func key(_ rule: String, _ groupKey: String) -> String {
        var key = ""
        key.reserveCapacity(rule.utf8.count + 1 + groupKey.utf8.count)
        key += rule
        key += "\u{1F}"
        key += groupKey
        return key
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.notified == rhs.notified && lhs.failingKeys == rhs.failingKeys
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(notified)
        hasher.combine(failingKeys)
    }
}
