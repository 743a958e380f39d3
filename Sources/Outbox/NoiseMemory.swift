import Foundation

/// What noise control remembers between events, read by the pure rules engine. The daemon keeps it
/// in the state database and applies ``NoiseUpdate``s in the same transaction as the outbox rows.
public protocol NoiseMemory: Sendable {
    /// When `rule` last notified for `groupKey` (throttle windows).
    func lastNotified(rule: String, groupKey: String) -> Date?
    /// Whether the command identified by `key` (a rule's recovery key) is currently failing.
    func isFailing(key: String) -> Bool
}

/// A change to ``NoiseMemory`` decided by the engine.
public enum NoiseUpdate: Codable, Sendable, Hashable {
    /// `rule` notified for `groupKey` at `at`: starts a throttle window.
    case notified(rule: String, groupKey: String, at: Date)
    /// The command identified by `key` started (`true`) or stopped (`false`) failing.
    case failing(key: String, Bool)
}

/// A ``NoiseMemory`` held in memory: for tests, `tattle test-rule`, and as the daemon's cache.
public struct InMemoryNoiseMemory: NoiseMemory, Hashable {
    /// Last notification time by rule and group key.
    public var notified: [String: Date] = [:]
    /// Keys of commands currently failing.
    public var failing: Set<String> = []

    public init() {}

    public func lastNotified(rule: String, groupKey: String) -> Date? { notified[Self.key(rule, groupKey)] }
    public func isFailing(key: String) -> Bool { failing.contains(key) }

    /// Applies updates in order.
    public mutating func apply(_ updates: [NoiseUpdate]) {
        for update in updates {
            switch update {
            case let .notified(rule, groupKey, at): notified[Self.key(rule, groupKey)] = at
            case let .failing(key, true): failing.insert(key)
            case let .failing(key, false): failing.remove(key)
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
}
