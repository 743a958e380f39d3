import Foundation
import Store
import Synchronization

/// A ``LeaseStore`` in memory with the documented semantics (terms grow on every change of holder
/// or lapse, renewals keep the term), shared by several coordinators like one database, and able
/// to fail every call like an unreachable one.
final class InMemoryLeases: LeaseStore {
    struct Failure: Error, CustomStringConvertible { var description: String { "connection refused" } }

    struct State {
        var replicas: [String: Replica] = [:]
        var leases: [String: Lease] = [:]
        var terms: [String: Int64] = [:]
        var failing = false
    }

    let state = Mutex(State())

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    private static func key(_ kind: LeaseKind, _ name: String) -> String { "\(kind.rawValue)/\(name)" }

    private func check() throws { if state.withLock({ $0.failing }) { throw Failure() } }

    func heartbeat(replica: String, now: Date, ttl: TimeInterval) async throws -> [Replica] {
        try check()
        return state.withLock { state in
            let started = state.replicas[replica]?.startedAt ?? now
            state.replicas[replica] = Replica(id: replica, startedAt: started, expiresAt: now.addingTimeInterval(ttl))
            state.replicas = state.replicas.filter { $0.value.expiresAt > now }
            return state.replicas.values.sorted { $0.id < $1.id }
        }
    }

    func acquire(_ kind: LeaseKind, name: String, holder: String, now: Date, ttl: TimeInterval) async throws -> Lease? {
        try check()
        return state.withLock { state in
            let key = Self.key(kind, name)
            if let lease = state.leases[key], lease.expiresAt > now {
                guard lease.holder == holder else { return nil }
                state.leases[key]?.expiresAt = now.addingTimeInterval(ttl)
                return state.leases[key]
            }
            let term = (state.terms[key] ?? 0) + 1
            state.terms[key] = term
            let lease = Lease(kind: kind, name: name, holder: holder, term: term, expiresAt: now.addingTimeInterval(ttl))
            state.leases[key] = lease
            return lease
        }
    }

    func release(_ lease: Lease) async throws {
        try check()
        state.withLock { state in
            let key = Self.key(lease.kind, lease.name)
            if state.leases[key]?.holder == lease.holder, state.leases[key]?.term == lease.term { state.leases[key] = nil }
        }
    }

    func resign(replica: String) async throws {
        try check()
        state.withLock { state in
            state.replicas[replica] = nil
            state.leases = state.leases.filter { $0.value.holder != replica }
        }
    }

    func leases(now: Date) async throws -> [Lease] {
        try check()
        return state.withLock { $0.leases.values.filter { $0.expiresAt > now }.sorted { $0.name < $1.name } }
    }

    /// Another replica takes `name` over (as if this one's lease had lapsed while it was paused).
    func steal(_ kind: LeaseKind, name: String, by holder: String, now: Date, ttl: TimeInterval) {
        state.withLock { state in
            let key = Self.key(kind, name)
            let term = (state.terms[key] ?? 0) + 1
            state.terms[key] = term
            state.leases[key] = Lease(kind: kind, name: name, holder: holder, term: term, expiresAt: now.addingTimeInterval(ttl))
        }
    }

    /// Holders per kind: replica → names.
    func holdings(_ kind: LeaseKind, now: Date) -> [String: Set<String>] {
        state.withLock { state in
            var result: [String: Set<String>] = [:]
            for lease in state.leases.values where lease.kind == kind && lease.expiresAt > now {
                result[lease.holder, default: []].insert(lease.name)
            }
            return result
        }
    }
}
