import Foundation
import Rules
import Synchronization

/// The rules file's reload state, as the status page and `POST /api/v1/reload` report it: when the
/// rules in force were loaded, and how the last attempt went. ``RulesReloader`` records every attempt.
public final class ReloadStatus: Sendable {
    /// One reading of the state.
    public struct Snapshot: Sendable, Hashable, Encodable {
        /// How the last attempt ended: `applied`, `rejected` (invalid file, previous rules kept) or
        /// `unreadable` (the file could not be read).
        public var outcome: String
        /// What triggered the last attempt: `start`, `file change`, `SIGHUP`, `admin API`.
        public var trigger: String
        /// When the last attempt ran.
        public var attemptedAt: Date
        /// When the rules in force were loaded.
        public var loadedAt: Date
        /// Rules in force.
        public var ruleCount: Int
        /// Receivers in force.
        public var receiverCount: Int
        /// The last attempt's problems (errors, or warnings of an applied file), one per line; nil when none.
        public var lastError: String?
    }

    private struct Attempt {
        var outcome = "applied"
        var trigger = "start"
        var attemptedAt: Date
        var loadedAt: Date
        var problems: [String] = []
    }

    private let state: Mutex<Attempt>

    /// The state right after the rules were loaded at start (`date`, default now).
    public init(at date: Date = Date()) {
        state = Mutex(Attempt(attemptedAt: date, loadedAt: date))
    }

    /// The current state, with the counts of the rules `holder` has in force.
    public func current(in holder: RulesHolder) -> Snapshot {
        let attempt = state.withLock { $0 }
        let ruleSet = holder.current.ruleSet
        return Snapshot(
            outcome: attempt.outcome, trigger: attempt.trigger, attemptedAt: attempt.attemptedAt,
            loadedAt: attempt.loadedAt, ruleCount: ruleSet.rules.count, receiverCount: ruleSet.receivers.count,
            lastError: attempt.problems.isEmpty ? nil : attempt.problems.joined(separator: "\n"))
    }

    /// Records an attempt.
    func record(outcome: String, trigger: String, problems: [String], at date: Date = Date()) {
        state.withLock { attempt in
            attempt.outcome = outcome
            attempt.trigger = trigger
            attempt.attemptedAt = date
            attempt.problems = problems
            if outcome == "applied" { attempt.loadedAt = date }
        }
    }
}
