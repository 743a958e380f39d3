import Events
import Foundation
import Outbox

/// Where a notification stands. A retry is a ``pending`` row whose `nextAttemptAt` is in the future.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its `nextAttemptAt` (first attempt or a scheduled retry).
    case pending
    /// Claimed by a delivery worker until its lease (`claimedUntil`) lapses; a lapsed lease is
    /// claimed again (a stuck send or a state write that could not be recorded), and at start
    /// ``OutboxStore/recoverInFlight()`` returns every in-flight row of the dead process.
    case inFlight = "in_flight"
    /// Accepted by the receiver (judged per platform).
    case delivered
    /// Given up: permanent failure or retries exhausted. `tattle replay` re-queues it.
    case dead
    /// Its receiver is no longer in the rules file: kept, not attempted, until the receiver returns
    /// (``OutboxStore/releaseHeld(receivers:now:)``) or the row reaches its age limit.
    case held
    /// Suppressed by a silence when it was committed (``OutboxRow/silenceId`` names it); never sent,
    /// never replayed.
    case silenced
}

/// The fixed membership of a grouped or digest message: stored when it is first attempted, so every
/// retry resends exactly the same rows under the same idempotency key.
public struct MessageRef: Sendable, Hashable {
    /// The message's row id.
    public var id: Int64
    /// The idempotency key every attempt carries (`webhook-id`, `Message-ID`).
    public var key: String
    /// Whether the message is a backlog digest (rather than a group).
    public var isDigest: Bool

    public init(id: Int64, key: String, isDigest: Bool) {
        self.id = id
        self.key = key
        self.isDigest = isDigest
    }
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
    /// Where the age limit is measured from: the commit, or the latest `tattle replay`.
    public var ageFrom: Date
    /// The message this row belongs to once a grouped or digest message was first attempted.
    public var message: MessageRef?
    /// The end of the current claim's lease, while in flight.
    public var claimedUntil: Date?
    /// The silence that suppressed the row (state ``DeliveryState/silenced``), else `nil`.
    public var silenceId: String?
    /// What the last attempt sent (the rendered body, redacted), once attempted; else `nil`.
    public var sentPayload: String?

    public init(
        id: Int64, dispatch: Dispatch, event: Event, state: DeliveryState, attempts: Int, nextAttemptAt: Date,
        createdAt: Date, lastError: String? = nil, responseExcerpt: String? = nil, ageFrom: Date? = nil,
        message: MessageRef? = nil, claimedUntil: Date? = nil, silenceId: String? = nil, sentPayload: String? = nil
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
        self.ageFrom = ageFrom ?? createdAt
        self.message = message
        self.claimedUntil = claimedUntil
        self.silenceId = silenceId
        self.sentPayload = sentPayload
    }
}

/// Gauges for the status endpoint and `tattle deliveries`.
public struct OutboxStats: Sendable, Hashable {
    public var pending: Int
    public var inFlight: Int
    public var dead: Int
    public var delivered: Int
    /// Rows held for receivers that are no longer configured.
    public var held: Int
    /// Rows suppressed by a silence.
    public var silenced: Int
    /// Age of the oldest pending or in-flight row, in seconds; 0 when none.
    public var oldestPendingAge: Double

    public init(
        pending: Int = 0, inFlight: Int = 0, dead: Int = 0, delivered: Int = 0, held: Int = 0, silenced: Int = 0,
        oldestPendingAge: Double = 0
    ) {
        self.held = held
        self.pending = pending
        self.inFlight = inFlight
        self.dead = dead
        self.delivered = delivered
        self.silenced = silenced
        self.oldestPendingAge = oldestPendingAge
    }
}

/// The outbox half of the state database, used by the delivery workers and the CLI.
///
/// Claims are leases: a claimed row is in flight until `leaseUntil`, and a row whose lease lapsed is
/// due again. Writes about a claimed row (delivered, retry, postpone, dead, hold) apply unless
/// another claimer holds it now, so several processes can share one outbox (the shape carries over
/// to PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`, then the same `UPDATE`).
public protocol OutboxStore: Sendable {
    /// Atomically claims up to `limit` rows due at `now`, oldest due first, marking them in flight
    /// until `leaseUntil`: pending rows whose `nextAttemptAt` and `notBefore` have passed, and
    /// in-flight rows whose lease lapsed. A group or stored message is claimed whole. With
    /// `receivers`, only rows of those receivers (the lanes this replica owns); `nil` means all.
    func claimDue(now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?) async throws -> [OutboxRow]
    /// Marks rows delivered (counts the attempt). `sentPayload` (redacted) is kept with the rows as
    /// what their last attempt sent, for the status pages; nil leaves the stored one.
    func markDelivered(ids: [Int64], at: Date, sentPayload: String?) async throws
    /// Counts an attempt and schedules the next one.
    func scheduleRetry(ids: [Int64], at: Date, error: String, responseExcerpt: String?, sentPayload: String?)
        async throws
    /// Makes rows due again at `until` without counting an attempt (waiting out a rate limit).
    func postpone(ids: [Int64], until: Date, reason: String, responseExcerpt: String?, sentPayload: String?)
        async throws
    /// Counts an attempt and gives up on the rows.
    func markDead(ids: [Int64], error: String, responseExcerpt: String?, sentPayload: String?) async throws
    /// Fixes the membership of a grouped or digest message before its first attempt: stores a
    /// message with `key` and links `ids` to it. Returns the message. Idempotent per key.
    func fixMessage(ids: [Int64], receiver: String, key: String, isDigest: Bool, now: Date) async throws -> MessageRef
    /// Holds rows whose receiver is no longer configured (not attempted, no attempt counted).
    func hold(ids: [Int64], reason: String) async throws
    /// Makes held rows of these receivers pending, due at `now`. Returns how many.
    func releaseHeld(receivers: Set<String>, now: Date) async throws -> Int
    /// Held rows per receiver name.
    func heldCounts() async throws -> [String: Int]
    /// Makes `receiver`'s held rows whose age clock started before `cutoff` dead letters with `error`.
    /// Returns how many.
    func expireHeld(receiver: String, before cutoff: Date, error: String) async throws -> Int
    /// Returns in-flight rows to pending (at start: their worker died with the last process).
    @discardableResult func recoverInFlight() async throws -> Int
    /// The earliest time a pending row becomes due or an in-flight lease lapses, if any. With
    /// `receivers`, only rows of those receivers (the lanes ``claimDue(now:limit:leaseUntil:receivers:)``
    /// claims), so a replica does not wake for rows only other replicas may claim; `nil` means all.
    func nextDueTime(receivers: Set<String>?) async throws -> Date?
    /// Rows in the given states, newest first.
    func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow]
    /// Re-queues dead rows (all when `ids` is nil) as pending, due `now`, attempts reset and the age
    /// clock restarted at `now`. Returns the count.
    func replay(ids: [Int64]?, now: Date) async throws -> Int
    /// Counts by state and the oldest pending age.
    func stats(now: Date) async throws -> OutboxStats
}

extension OutboxStore {
    /// ``markDelivered(ids:at:sentPayload:)`` keeping the stored payload.
    public func markDelivered(ids: [Int64], at: Date) async throws {
        try await markDelivered(ids: ids, at: at, sentPayload: nil)
    }

    /// ``scheduleRetry(ids:at:error:responseExcerpt:sentPayload:)`` keeping the stored payload.
    public func scheduleRetry(ids: [Int64], at: Date, error: String, responseExcerpt: String?) async throws {
        try await scheduleRetry(ids: ids, at: at, error: error, responseExcerpt: responseExcerpt, sentPayload: nil)
    }

    /// ``postpone(ids:until:reason:responseExcerpt:sentPayload:)`` keeping the stored payload.
    public func postpone(ids: [Int64], until: Date, reason: String, responseExcerpt: String?) async throws {
        try await postpone(ids: ids, until: until, reason: reason, responseExcerpt: responseExcerpt, sentPayload: nil)
    }

    /// ``markDead(ids:error:responseExcerpt:sentPayload:)`` keeping the stored payload.
    public func markDead(ids: [Int64], error: String, responseExcerpt: String?) async throws {
        try await markDead(ids: ids, error: error, responseExcerpt: responseExcerpt, sentPayload: nil)
    }

    /// The lease a claim gets when the caller does not say: 5 min.
    public static var defaultLease: TimeInterval { 300 }

    /// ``claimDue(now:limit:leaseUntil:receivers:)`` over every receiver.
    public func claimDue(now: Date, limit: Int, leaseUntil: Date) async throws -> [OutboxRow] {
        try await claimDue(now: now, limit: limit, leaseUntil: leaseUntil, receivers: nil)
    }

    /// ``nextDueTime(receivers:)`` over every receiver.
    public func nextDueTime() async throws -> Date? {
        try await nextDueTime(receivers: nil)
    }

    /// ``claimDue(now:limit:leaseUntil:)`` with a lease of ``defaultLease``.
    public func claimDue(now: Date, limit: Int) async throws -> [OutboxRow] {
        try await claimDue(now: now, limit: limit, leaseUntil: now.addingTimeInterval(Self.defaultLease))
    }
}
