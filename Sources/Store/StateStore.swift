import Events
import Foundation
import Outbox

/// Everything one watcher cycle changes, committed atomically: the snapshot advance and every
/// notification derived from it. This is the invariant Tattle's reliability rests on — a crash either
/// loses both (the next poll re-detects the same change with the same event ids) or keeps both.
public struct CycleCommit: Sendable {
    /// Region the snapshot part belongs to.
    public var region: String
    /// Invocations whose state is new or changed.
    public var upserts: [InvocationState]
    /// Invocation ids no longer tracked (gone from TAT's retention).
    public var removals: [String]
    /// Marks the region as baselined (first start records without notifying).
    public var markBaselined: Bool
    /// The events detected in this cycle, stored for the outbox rows that reference them.
    public var events: [Event]
    /// Notifications to enqueue; a (event id, receiver) pair already present is ignored.
    public var dispatches: [Dispatch]
    /// Noise-control memory changes decided while matching.
    public var noise: [NoiseUpdate]
    /// Tombstones to keep (the last states of ``removals``).
    public var tombstones: [Tombstone]
    /// Tombstone ids to forget (revived or expired).
    public var forgottenTombstones: [String]
    /// With several replicas: the unit lease this commit is made under. The store commits only if
    /// the lease row still names this holder and term, in the same transaction, and otherwise
    /// throws ``StoreError/fenced(_:)`` — a deposed owner's late commit never lands. `nil` for a
    /// single process that holds the state directory's lock.
    public var fence: Lease?

    public init(
        region: String, upserts: [InvocationState] = [], removals: [String] = [], markBaselined: Bool = false,
        events: [Event] = [], dispatches: [Dispatch] = [], noise: [NoiseUpdate] = [], tombstones: [Tombstone] = [],
        forgottenTombstones: [String] = [], fence: Lease? = nil
    ) {
        self.fence = fence
        self.tombstones = tombstones
        self.forgottenTombstones = forgottenTombstones
        self.region = region
        self.upserts = upserts
        self.removals = removals
        self.markBaselined = markBaselined
        self.events = events
        self.dispatches = dispatches
        self.noise = noise
    }
}

/// Durable state behind a protocol, so a shared database (PostgreSQL, for HA) can be added later.
/// The SQLite implementation is ``SQLiteStore``.
public protocol StateStore: Sendable {
    /// The committed snapshot of `region`, or `nil` when the region was never baselined.
    func loadSnapshot(region: String) async throws -> [InvocationState]?
    /// Commits a cycle in one transaction (see ``CycleCommit``).
    func commit(_ commit: CycleCommit) async throws
    /// The noise-control memory, loaded once at start and kept current by the caller.
    func loadNoiseMemory() async throws -> InMemoryNoiseMemory
    /// The tombstones of `region` (invocations no longer tracked, with their last states).
    func loadTombstones(region: String) async throws -> [Tombstone]
}

extension StateStore {
    /// A store that keeps no tombstones has none.
    public func loadTombstones(region: String) async throws -> [Tombstone] { [] }
}
