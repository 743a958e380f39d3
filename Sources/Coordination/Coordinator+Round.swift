import Foundation
import Logging
import Store
import Synchronization
import Timekeeping

extension Coordinator {
    /// One round: heartbeat, rebalance, take and renew, publish, hand over. Never throws: a failing
    /// database drops everything this replica owned (see the type's documentation).
    package func round() async {
        let now = now()
        var release: [Lease] = []
        do {
            let replicas = try await store.heartbeat(replica: replica, now: now, ttl: configuration.ttl.seconds)
            let current = try await store.leases(now: now)
            var live = replicas.map(\.id)
            if !live.contains(replica) { live.append(replica) }
            for kind in LeaseKind.allCases {
                let items = kind == .unit ? units() : lanes()
                var holders: [String: String] = [:]
                for lease in current where lease.kind == kind { holders[lease.name] = lease.holder }
                let target = Balancer.share(of: replica, replicas: live, items: items, holders: holders)
                for name in target.sorted() { try await take(Key(kind: kind, name: name), now: now) }
                let surplus = state.withLock { $0.held.keys.filter { $0.kind == kind && !target.contains($0.name) } }
                for key in surplus.sorted() {
                    if try await handOver(key, now: now) { release += state.withLock { [$0.held[key]].compactMap { $0 } } }
                }
            }
            let after = try await store.leases(now: now)
            state.withLock { state in
                state.replicas = replicas
                state.leases = after
                state.renewedAt = now
                state.problem = nil
            }
        } catch is CancellationError {
            return
        } catch {
            dropEverything(because: "\(error)")
        }
        await publish()
        // The pollers of released units were stopped by `apply` above; nobody polls them now.
        for lease in release { await give(lease) }
    }

    /// Takes or renews one lease this replica should hold.
    private func take(_ key: Key, now: Date) async throws {
        let lease = try await store.acquire(key.kind, name: key.name, holder: replica, now: now, ttl: configuration.ttl.seconds)
        let pause = configuration.handoverPause
        let change: String? = state.withLock { state in
            let previous = state.held[key]
            state.handingOver.remove(key)
            guard let lease else {
                state.held[key] = nil
                state.activeFrom[key] = nil
                return previous == nil ? nil : "lost"
            }
            state.held[key] = lease
            if previous?.term == lease.term { return nil }
            // A unit someone may have polled until recently waits out the pause; a first-ever
            // holding (term 1) and every lane start at once.
            state.activeFrom[key] = key.kind == .unit && lease.term > 1 ? now.addingTimeInterval(pause.seconds) : now
            return previous == nil ? "acquired" : "lost"
        }
        if let change {
            metrics.changed(key.kind, change)
            if let lease {
                if change == "lost" { metrics.changed(key.kind, "acquired") }
                metrics.term(key.kind, key.name, lease.term)
                logger.info("lease acquired", metadata: Self.metadata(lease))
            } else {
                metrics.term(key.kind, key.name, 0)
                logger.warning("lease lost to another replica", metadata: ["kind": "\(key.kind.rawValue)", "name": "\(key.name)"])
            }
        }
    }

    /// Starts or continues handing a lease over. Returns whether it can be released after this
    /// round's `apply`; a lane with sends still running is renewed and kept until it is idle.
    private func handOver(_ key: Key, now: Date) async throws -> Bool {
        state.withLock { _ = $0.handingOver.insert(key) }
        if key.kind == .lane, !laneIdle(key.name) {
            try await take(key, now: now)
            state.withLock { _ = $0.handingOver.insert(key) }
            return false
        }
        return true
    }

    /// Releases a handed-over lease (a failure only means the lease lapses after its TTL).
    private func give(_ lease: Lease) async {
        let key = Key(kind: lease.kind, name: lease.name)
        state.withLock { state in
            state.held[key] = nil
            state.activeFrom[key] = nil
            state.handingOver.remove(key)
        }
        do {
            try await store.release(lease)
            logger.info("lease handed over", metadata: Self.metadata(lease))
        } catch {
            logger.warning("lease release failed; it lapses after its TTL", metadata: Self.metadata(lease))
        }
        metrics.changed(lease.kind, "released")
        metrics.term(lease.kind, lease.name, 0)
    }

    /// Forgets every lease (the database is unreachable, so nothing can be committed or claimed).
    private func dropEverything(because problem: String) {
        let dropped = state.withLock { state in
            defer {
                state.held.removeAll()
                state.activeFrom.removeAll()
                state.handingOver.removeAll()
                state.renewedAt = nil
                state.replicas = []
                state.leases = []
                state.problem = problem
            }
            return Array(state.held.values)
        }
        if !dropped.isEmpty {
            logger.error(
                "lease renewal failed: polling and delivery stop until the database answers",
                metadata: ["error": "\(problem)", "dropped": "\(dropped.count)"])
        }
        for lease in dropped {
            metrics.changed(lease.kind, "lost")
            metrics.term(lease.kind, lease.name, 0)
        }
    }

    /// Hands the ownership to `apply` when what may be polled or claimed changed.
    func publish() async {
        let now = now()
        let (ownership, changed) = state.withLock { state in
            let ownership = Self.ownership(of: state, replica: replica, now: now)
            let changed = state.reapply || state.applied.map { Self.terms($0) != Self.terms(ownership) } ?? true
            state.applied = ownership
            state.reapply = false
            return (ownership, changed)
        }
        metrics.record(ownership)
        if changed { await apply(ownership) }
    }

    /// A clean shutdown: stop everything, then delete the heartbeat and every lease.
    package func resign() async {
        let held = state.withLock { state in
            defer {
                state.held.removeAll()
                state.activeFrom.removeAll()
                state.handingOver.removeAll()
            }
            return Array(state.held.values)
        }
        await publish()
        do {
            try await store.resign(replica: replica)
            logger.info("resigned: leases released", metadata: ["replica": "\(replica)", "leases": "\(held.count)"])
        } catch {
            logger.warning("resigning failed; the leases lapse after their TTL", metadata: ["error": "\(error)"])
        }
        for lease in held {
            metrics.changed(lease.kind, "released")
            metrics.term(lease.kind, lease.name, 0)
        }
    }

    /// The pollable units and claimable lanes of `state` at `now`.
    static func ownership(of state: State, replica: String, now: Date) -> Ownership {
        var units: [String: Lease] = [:]
        var lanes: [String: Lease] = [:]
        for (key, lease) in state.held where !state.handingOver.contains(key) && lease.expiresAt > now {
            switch key.kind {
            case .unit where (state.activeFrom[key] ?? .distantFuture) <= now: units[key.name] = lease
            case .lane: lanes[key.name] = lease
            default: break
            }
        }
        return Ownership(
            replica: replica, units: units, lanes: lanes, replicas: state.replicas, leases: state.leases,
            renewedAt: state.renewedAt, problem: state.problem)
    }

    /// What `apply` acts on: names and terms.
    private static func terms(_ ownership: Ownership) -> [String: Int64] {
        var terms: [String: Int64] = [:]
        for (name, lease) in ownership.units { terms["unit/" + name] = lease.term }
        for (name, lease) in ownership.lanes { terms["lane/" + name] = lease.term }
        return terms
    }
}
