import Foundation
import Timekeeping

/// Everything the daemon, the status page, the admin API, housekeeping and the CLI use of the state
/// database, so that Tattle runs on either store: ``SQLiteStore`` (one process, the default) or the
/// PostgreSQL store (several replicas, module `PostgresStore`). The behaviour tests run against both.
public protocol StateDatabase: StateStore, OutboxStore, SilenceStore {
    /// Where the database is, for logs and pages: a file path, or a PostgreSQL address without its password.
    var location: String { get }

    /// Rows in the given states, newest first; with `attemptedOnly`, only rows attempted at least once
    /// (pending rows with attempts are the retrying ones). A row whose stored event no longer decodes is
    /// listed with an `unreadable` placeholder event.
    func rows(in states: Set<DeliveryState>, attemptedOnly: Bool, limit: Int) async throws -> [OutboxRow]
    /// The rows with these ids that exist, in id order; an undecodable event is replaced as above.
    func rows(ids: [Int64]) async throws -> [OutboxRow]

    /// Every receiver that has outbox rows, by name, with its counts by state.
    func receiverBacklogs(now: Date) async throws -> [ReceiverBacklog]
    /// The newest stored events, newest first, each with its notifications; an undecodable one is skipped.
    func recentEvents(limit: Int) async throws -> [RecordedEvent]
    /// One stored event by id, or nil when unknown (or no longer decodable).
    func recordedEvent(id: String) async throws -> RecordedEvent?

    /// Deletes delivered rows delivered before `deliveredBefore`, silenced rows committed before it and
    /// silences that ended before it; dead letters last updated before `deadBefore` and noise memory
    /// older than `noiseBefore` (each when given); then events and stored messages created before
    /// `deliveredBefore` that no outbox row references. Pending, in-flight and held rows are kept.
    @discardableResult
    func prune(deliveredBefore: Date, deadBefore: Date?, noiseBefore: Date?) async throws -> PruneResult

    /// Checks the database can be read and is sound (SQLite: `PRAGMA quick_check`; PostgreSQL: a round
    /// trip). Returns `nil` when it is, else a reason without secrets for `/readyz` and the log.
    func healthProblem() async -> String?
}

extension StateDatabase {
    /// Prunes delivered and silenced rows, ended silences and unreferenced events older than `cutoff`.
    @discardableResult
    public func prune(before cutoff: Date) async throws -> PruneResult {
        try await prune(deliveredBefore: cutoff, deadBefore: nil, noiseBefore: nil)
    }

    /// Prunes delivered rows older than `retention` (default 7 days) at `now`.
    @discardableResult
    public func prune(retention: Duration = Retention().delivered, now: Date) async throws -> PruneResult {
        try await prune(before: now.addingTimeInterval(-retention.seconds))
    }

    /// Prunes everything older than its ``Retention`` at `now`: delivered rows, dead letters (by
    /// their last update), noise memory, and the events and stored messages nothing references.
    @discardableResult
    public func prune(_ retention: Retention, now: Date) async throws -> PruneResult {
        try await prune(
            deliveredBefore: now.addingTimeInterval(-retention.delivered.seconds),
            deadBefore: now.addingTimeInterval(-retention.dead.seconds),
            noiseBefore: now.addingTimeInterval(-retention.noise.seconds))
    }
}
