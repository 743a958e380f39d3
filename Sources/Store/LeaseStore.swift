import Foundation

/// What a lease is held for when several `tattle run` replicas share one database.
public enum LeaseKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A watch unit (account × region): its holder alone polls it and commits its cycles.
    case unit
    /// A receiver lane: its holder alone claims and sends that receiver's outbox rows, so
    /// per-receiver order and rate limits stay correct.
    case lane
}

/// A lease as the store holds it. The fencing `term` grows by one each time the lease passes to a
/// new holder (never when the same holder renews), so a write that carries an old term is refused.
public struct Lease: Sendable, Hashable {
    public var kind: LeaseKind
    /// The unit key or receiver name.
    public var name: String
    /// The replica id holding it.
    public var holder: String
    /// The fencing term of this holding.
    public var term: Int64
    /// When the lease lapses unless renewed.
    public var expiresAt: Date

    public init(kind: LeaseKind, name: String, holder: String, term: Int64, expiresAt: Date) {
        self.kind = kind
        self.name = name
        self.holder = holder
        self.term = term
        self.expiresAt = expiresAt
    }
}

/// A live replica, as recorded by its last heartbeat.
public struct Replica: Sendable, Hashable {
    /// Stable for the life of the process (host name, pid and a random suffix).
    public var id: String
    public var startedAt: Date
    /// When the replica counts as dead unless it heartbeats again.
    public var expiresAt: Date

    public init(id: String, startedAt: Date, expiresAt: Date) {
        self.id = id
        self.startedAt = startedAt
        self.expiresAt = expiresAt
    }
}

/// Leases and replica heartbeats in the shared database (see `docs/ha.md`): lease rows with
/// expiry and a fencing term, the pattern River and Oban use, never session advisory locks.
///
/// Times are the caller's (inject a clock); every call is one transaction.
public protocol LeaseStore: Sendable {
    /// Records `replica` alive until `now + ttl`, forgets replicas whose heartbeat lapsed, and
    /// returns the live replicas sorted by id.
    func heartbeat(replica: String, now: Date, ttl: TimeInterval) async throws -> [Replica]
    /// Takes the lease when it is free or lapsed (the term grows by one), or renews it when `holder`
    /// already holds it (same term). Returns the lease held afterwards, or `nil` when another
    /// replica holds it unexpired.
    func acquire(_ kind: LeaseKind, name: String, holder: String, now: Date, ttl: TimeInterval) async throws -> Lease?
    /// Gives the lease up at once, if `lease.holder` still holds it at `lease.term`.
    func release(_ lease: Lease) async throws
    /// A clean shutdown: removes the replica and releases every lease it holds.
    func resign(replica: String) async throws
    /// Every lease unexpired at `now`.
    func leases(now: Date) async throws -> [Lease]
}
