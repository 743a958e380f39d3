import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization
import Timekeeping

/// Shares the watch units and receiver lanes among the `tattle run` replicas on one database.
///
/// Every ``Configuration/renewInterval`` the coordinator heartbeats, reads the leases, computes with
/// ``Balancer`` which units and lanes this replica should hold, and then:
/// - takes or renews those leases (``LeaseStore/acquire(_:name:holder:now:ttl:)``, TTL
///   ``Configuration/ttl``). A unit someone held before becomes pollable only after
///   ``Configuration/handoverPause``; a lane at once;
/// - hands over what it should no longer hold (a replica joined, an account was removed): a unit's
///   poller is stopped first, then its lease released; a lane stops being claimed, and its lease is
///   released once its last sends finished (`laneIdle`);
/// - drops at once what it lost (another replica holds it, its term changed, or a commit was
///   fenced — ``fenced(_:)``), so the poller stops.
/// After each round it hands the resulting ``Ownership`` to `apply` (the daemon reconciles its
/// pollers and the dispatcher's lanes), awaiting it before any release.
///
/// When the database cannot be reached the replica keeps nothing: every unit and lane is dropped
/// at the first failed round (as Oban's leaders do) and taken again when the database answers. On
/// graceful shutdown it resigns: heartbeat and every lease deleted, so the others take over at
/// their next round instead of waiting for the TTL.
public final class Coordinator: Service, Sendable {
    /// This replica's id (see ``ReplicaID``).
    public let replica: String
    public let configuration: Configuration
    let store: any LeaseStore
    let units: @Sendable () -> [String]
    let lanes: @Sendable () -> [String]
    let laneIdle: @Sendable (String) -> Bool
    let apply: @Sendable (Ownership) async -> Void
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: CoordinationMetrics

    struct Key: Hashable, Comparable {
        var kind: LeaseKind
        var name: String
        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.kind.rawValue, lhs.name) < (rhs.kind.rawValue, rhs.name) }
    }

    struct State {
        /// Every lease this replica holds in the database.
        var held: [Key: Lease] = [:]
        /// Units taken over: pollable from this time.
        var activeFrom: [Key: Date] = [:]
        /// Held leases being handed over: no longer polled or claimed, released when done.
        var handingOver: Set<Key> = []
        var replicas: [Replica] = []
        var leases: [Lease] = []
        var renewedAt: Date?
        var problem: String?
        /// The ownership last handed to `apply`.
        var applied: Ownership?
        /// Hand the ownership to `apply` at the next round even if it did not change (a reload).
        var reapply = false
    }

    let state = Mutex(State())
    let wake = WakeSignal()

    /// - Parameters:
    ///   - replica: this process's id; default ``ReplicaID/make(host:pid:suffix:)``.
    ///   - store: the shared database's leases.
    ///   - units: the unit keys configured now (follows reloads).
    ///   - lanes: the receiver names configured now (follows reloads).
    ///   - laneIdle: whether this replica has nothing queued or in flight for a lane (hand-over waits for it).
    ///   - apply: makes the daemon poll and deliver exactly what it is given; awaited.
    ///   - clock: what the pause between rounds sleeps on. Default `ContinuousClock()`.
    ///   - now: wall time for leases. Default `Date.init`.
    ///   - logger: default label `tattle.coordination`.
    ///   - metrics: default the global metrics system.
    public init(
        replica: String = ReplicaID.make(), configuration: Configuration = .init(), store: any LeaseStore,
        units: @escaping @Sendable () -> [String], lanes: @escaping @Sendable () -> [String],
        laneIdle: @escaping @Sendable (String) -> Bool = { _ in true },
        apply: @escaping @Sendable (Ownership) async -> Void,
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tattle.coordination"), metrics: CoordinationMetrics = .init()
    ) {
        self.replica = replica
        self.configuration = configuration
        self.store = store
        self.units = units
        self.lanes = lanes
        self.laneIdle = laneIdle
        self.apply = apply
        self.clock = clock
        self.now = now
        self.logger = logger
        self.metrics = metrics
    }

    /// What this replica owns now. Cheap (a lock, no await), for the status page and readiness.
    public var ownership: Ownership { state.withLock { Self.ownership(of: $0, replica: replica, now: now()) } }

    /// The lease to fence a commit of `unit` with: set while the unit is pollable, nil otherwise
    /// (then the commit must not be made).
    public func fence(unit: String) -> Lease? {
        let now = now()
        return state.withLock { state in
            let key = Key(kind: .unit, name: unit)
            guard let lease = state.held[key], !state.handingOver.contains(key),
                (state.activeFrom[key] ?? .distantFuture) <= now, lease.expiresAt > now
            else { return nil }
            return lease
        }
    }

    /// A commit under `lease` was refused (another replica took the unit over): the unit is dropped
    /// now, and its poller stopped at the next round, which starts at once.
    public func fenced(_ lease: Lease) {
        let dropped = state.withLock { state in
            let key = Key(kind: lease.kind, name: lease.name)
            guard state.held[key]?.term == lease.term else { return false }
            state.held[key] = nil
            state.activeFrom[key] = nil
            state.handingOver.remove(key)
            return true
        }
        if dropped {
            logger.warning("lease lost: a commit was fenced", metadata: Self.metadata(lease))
            metrics.changed(lease.kind, "lost")
            metrics.term(lease.kind, lease.name, 0)
        }
        wake.signal()
    }

    /// Asks for a round now, whose ownership goes to `apply` even if unchanged (a reload changed the
    /// units, the lanes, or an account's credentials).
    public func rebalance() {
        state.withLock { $0.reapply = true }
        wake.signal()
    }

    /// Rounds until graceful shutdown or cancellation, then resigns.
    public func run() async throws {
        logger.info(
            "coordination started",
            metadata: [
                "replica": "\(replica)", "renew_seconds": "\(configuration.renewInterval.seconds)",
                "ttl_seconds": "\(configuration.ttl.seconds)",
            ])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.round()
                await self.wake.wait(timeout: self.nextRound(), clock: self.clock)
            }
        }
        await resign()
    }

    /// The pause until the next round: the renew interval, shorter when a taken-over unit becomes
    /// pollable sooner.
    func nextRound() -> Duration {
        let now = now()
        let soonest = state.withLock { $0.activeFrom.values.filter { $0 > now }.min() }
        guard let soonest else { return configuration.renewInterval }
        let pollable = Duration.milliseconds(ofSeconds: soonest.timeIntervalSince(now), rounding: .towardZero)
        return min(configuration.renewInterval, pollable + .milliseconds(1))
    }

    static func metadata(_ lease: Lease) -> Logger.Metadata {
        ["kind": "\(lease.kind.rawValue)", "name": "\(lease.name)", "term": "\(lease.term)", "holder": "\(lease.holder)"]
    }
}
