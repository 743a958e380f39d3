import Foundation
import Synchronization

/// The rules file's reload state, as the status page and `POST /api/v1/reload` report it: when the
/// rules in force were loaded, and how the last attempt went.
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
        /// Rules and receivers in force.
        public var ruleCount: Int
        public var receiverCount: Int
        /// The last attempt's problems (errors, or warnings of an applied file), one per line; nil when none.
        public var lastError: String?
    }

    private let state: Mutex<Snapshot>

    /// The state after the rules loaded at start.
    public init(ruleCount: Int, receiverCount: Int, warnings: [String] = [], at date: Date = Date()) {
        state = Mutex(
            Snapshot(
                outcome: "applied", trigger: "start", attemptedAt: date, loadedAt: date, ruleCount: ruleCount,
                receiverCount: receiverCount, lastError: warnings.isEmpty ? nil : warnings.joined(separator: "\n")))
    }

    /// The current state.
    public var current: Snapshot { state.withLock { $0 } }

    /// Records an attempt; counts are those in force afterwards (unchanged when not applied).
    func record(
        outcome: String, trigger: String, problems: [String], ruleCount: Int? = nil, receiverCount: Int? = nil,
        at date: Date = Date()
    ) {
        state.withLock { snapshot in
            snapshot.outcome = outcome
            snapshot.trigger = trigger
            snapshot.attemptedAt = date
            snapshot.lastError = problems.isEmpty ? nil : problems.joined(separator: "\n")
            if outcome == "applied" {
                snapshot.loadedAt = date
                snapshot.ruleCount = ruleCount ?? snapshot.ruleCount
                snapshot.receiverCount = receiverCount ?? snapshot.receiverCount
            }
        }
    }
}
