import Events
import Foundation
import Rules

/// Where a notification stands. A retry is a ``pending`` row whose `nextAttemptAt` is in the future.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its `nextAttemptAt` (first attempt or a scheduled retry).
    case pending
    /// Claimed by a delivery worker; returns to ``pending`` if the process dies (see
    /// ``OutboxStore/recoverInFlight()``).
    case inFlight = "in_flight"
    /// Accepted by the receiver (judged per platform).
    case delivered
    /// Given up: permanent failure or retries exhausted. `tattle replay` re-queues it.
    case dead
}

/// One (event, receiver) notification in the durable outbox.
public struct OutboxRow: Sendable, Hashable {
    /// Row id, stable for the life of the row.
    public var id: Int64
    /// The routing decision (event id, receiver, rule, group key, notBefore, recovery flag).
    public var dispatch: Dispatch
    /// The event itself, as stored with the cycle that detected it.
    public var event: Event
    public var state: DeliveryState
    /// Attempts made so far.
    public var attempts: Int
    /// When the row may next be attempted.
    public var nextAttemptAt: Date
    /// When the row was committed.
    public var createdAt: Date
    /// Last failure, already redacted by the caller.
    public var lastError: String?
    /// The start of the last failing response body, redacted.
    public var responseExcerpt: String?

    public init(
        id: Int64, dispatch: Dispatch, event: Event, state: DeliveryState, attempts: Int, nextAttemptAt: Date,
        createdAt: Date, lastError: String? = nil, responseExcerpt: String? = nil
    ) {
        self.id = id
        self.dispatch = dispatch
        self.event = event
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.lastError = lastError
        self.responseExcerpt = responseExcerpt
    }
}

/// Gauges for the status endpoint and `tattle deliveries`.
public struct OutboxStats: Sendable, Hashable {
    public var pending: Int
    public var inFlight: Int
    public var dead: Int
    public var delivered: Int
    /// Age of the oldest pending or in-flight row, in seconds; 0 when none.
    public var oldestPendingAge: Double

    public init(pending: Int = 0, inFlight: Int = 0, dead: Int = 0, delivered: Int = 0, oldestPendingAge: Double = 0) {
        self.pending = pending
        self.inFlight = inFlight
        self.dead = dead
        self.delivered = delivered
        self.oldestPendingAge = oldestPendingAge
    }
}

/// The outbox half of the state database, used by the delivery workers and the CLI.
public protocol OutboxStore: Sendable {
    /// Atomically claims up to `limit` pending rows due at `now` (`nextAttemptAt <= now` and
    /// `notBefore <= now`), oldest first, marking them in flight.
    func claimDue(now: Date, limit: Int) async throws -> [OutboxRow]
    /// Marks rows delivered.
    func markDelivered(ids: [Int64], at: Date) async throws
    /// Counts an attempt and schedules the next one.
    func scheduleRetry(ids: [Int64], at: Date, error: String, responseExcerpt: String?) async throws
    /// Counts an attempt and gives up on the rows.
    func markDead(ids: [Int64], error: String, responseExcerpt: String?) async throws
    /// Returns in-flight rows to pending (at start: their worker died with the last process).
    @discardableResult func recoverInFlight() async throws -> Int
    /// The earliest time a pending row becomes due, if any (workers sleep until then).
    func nextDueTime() async throws -> Date?
    /// Rows in the given states, newest first.
    func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow]
    /// Re-queues dead rows (all when `ids` is nil) as pending, due `now`, attempts reset. Returns the count.
    func replay(ids: [Int64]?, now: Date) async throws -> Int
    /// Counts by state and the oldest pending age.
    func stats(now: Date) async throws -> OutboxStats
}
