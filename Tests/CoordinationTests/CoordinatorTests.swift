import Coordination
import Foundation
import MetricsTestKit
import Store
import Synchronization
import TestSupport
import Testing

/// What a replica's `apply` saw, and what the test tells it about its lanes.
final class Recorder: Sendable {
    let applied = Mutex<[Ownership]>([])
    /// What the lease store showed for each unit dropped by an `apply`, at the moment of the apply.
    let holderWhenDropped = Mutex<[String: String]>([:])
    let busyLanes = Mutex<Set<String>>([])
}

/// One replica's coordinator on a shared in-memory lease store, its wall clock in the test's hand.
struct ReplicaUnderTest: Sendable {
    let coordinator: Coordinator
    let recorder = Recorder()

    init(
        _ id: String, store: InMemoryLeases, clock: TestClock, units: [String], lanes: [String],
        metrics: CoordinationMetrics = .init(factory: TestMetrics())
    ) {
        let recorder = recorder
        coordinator = Coordinator(
            replica: id,
            configuration: .init(renewInterval: .seconds(1), ttl: .seconds(3), handoverPause: .seconds(1)),
            store: store, units: { units }, lanes: { lanes },
            laneIdle: { name in !recorder.busyLanes.withLock { $0.contains(name) } },
            apply: { ownership in
                let before = recorder.applied.withLock { $0.last?.unitKeys ?? [] }
                let holdings = store.holdings(.unit, now: clock.date)
                for unit in before.subtracting(ownership.unitKeys) {
                    let holder = holdings.first { $0.value.contains(unit) }?.key ?? "nobody"
                    recorder.holderWhenDropped.withLock { $0[unit] = holder }
                }
                recorder.applied.withLock { $0.append(ownership) }
            },
            now: { clock.date }, metrics: metrics)
    }

    var last: Ownership { recorder.applied.withLock { $0.last ?? Ownership(replica: "") } }
}

@Suite("Coordinator")
struct CoordinatorTests {
    static let units = ["a/ap-guangzhou", "a/ap-shanghai", "b/ap-guangzhou", "b/ap-shanghai"]
    static let lanes = ["hook", "mail", "robot"]
    let store = InMemoryLeases()
    let clock = TestClock()

    func replica(_ id: String) -> ReplicaUnderTest {
        ReplicaUnderTest(id, store: store, clock: clock, units: Self.units, lanes: Self.lanes)
    }

    /// Rounds of every replica, each followed by `step` seconds.
    func rounds(_ replicas: [ReplicaUnderTest], times: Int = 1, step: TimeInterval = 1) async {
        for _ in 0..<times {
            for replica in replicas { await replica.coordinator.round() }
            clock.advance(by: .seconds(step))
        }
    }

    func balanced(_ kind: LeaseKind, among replicas: [String], total: Int) -> Bool {
        let holdings = store.holdings(kind, now: clock.date)
        let counts = replicas.map { holdings[$0]?.count ?? 0 }
        return Set(holdings.keys).isSubset(of: replicas) && counts.reduce(0, +) == total
            && (counts.max() ?? 0) - (counts.min() ?? 0) <= 1
    }

    @Test("alone: takes every unit and lane; first-ever holdings are pollable at once")
    func alone() async {
        let a = replica("a")
        await a.coordinator.round()
        #expect(a.last.unitKeys == Set(Self.units))
        #expect(a.last.laneNames == Set(Self.lanes))
        #expect(a.last.units.values.allSatisfy { $0.term == 1 && $0.holder == "a" })
        #expect(a.coordinator.fence(unit: "a/ap-guangzhou")?.term == 1)
        #expect(a.last.replicas.map(\.id) == ["a"])
    }

    @Test("a joining replica gets its share; the holder stops polling before it releases")
    func join() async {
        let a = replica("a")
        let b = replica("b")
        await rounds([a])
        await rounds([b, a])
        await b.coordinator.round()
        #expect(balanced(.unit, among: ["a", "b"], total: 4))
        #expect(balanced(.lane, among: ["a", "b"], total: 3))
        #expect(a.last.units.count == 2)
        // Every unit a dropped was still a's in the database when a stopped polling it.
        let dropped = a.recorder.holderWhenDropped.withLock { $0 }
        #expect(dropped.count == 2 && dropped.values.allSatisfy { $0 == "a" })
        // b took over units a held before: pollable only after the hand-over pause, with a new term.
        let taken = store.holdings(.unit, now: clock.date)["b"] ?? []
        #expect(b.last.unitKeys.isEmpty)
        #expect(b.coordinator.fence(unit: taken.sorted()[0]) == nil)
        clock.advance(by: .seconds(1))
        await rounds([b])
        #expect(b.last.unitKeys == taken)
        #expect(b.last.units.values.allSatisfy { $0.term == 2 })
        #expect(Set(a.last.unitKeys).isDisjoint(with: b.last.unitKeys))
    }

    @Test("a killed replica's units and lanes move to the survivors after the TTL")
    func failover() async {
        let replicas = ["a", "b", "c"].map(replica)
        await rounds(replicas, times: 3)
        #expect(balanced(.unit, among: ["a", "b", "c"], total: 4))
        let victim = replicas[0].last
        // a stops renewing (SIGKILL); b and c go on.
        await rounds(Array(replicas.dropFirst()), times: 2)
        #expect(!balanced(.unit, among: ["b", "c"], total: 4))
        await rounds(Array(replicas.dropFirst()), times: 3)
        #expect(balanced(.unit, among: ["b", "c"], total: 4))
        #expect(balanced(.lane, among: ["b", "c"], total: 3))
        let survivors = replicas[1].last.unitKeys.union(replicas[2].last.unitKeys)
        #expect(survivors == Set(Self.units))
        for unit in victim.unitKeys {
            let term = replicas[1].last.units[unit]?.term ?? replicas[2].last.units[unit]?.term
            #expect(term == (victim.units[unit]?.term ?? 0) + 1)
        }
    }

    @Test("a lease taken by another replica stops its unit at the next round")
    func stolen() async {
        let a = replica("a")
        await rounds([a])
        store.steal(.unit, name: "a/ap-shanghai", by: "intruder", now: clock.date, ttl: 60)
        await a.coordinator.round()
        #expect(!a.last.unitKeys.contains("a/ap-shanghai"))
        #expect(a.coordinator.fence(unit: "a/ap-shanghai") == nil)
    }

    @Test("a fenced commit drops the unit at once")
    func fenced() async throws {
        let a = replica("a")
        await rounds([a])
        let lease = try #require(a.coordinator.fence(unit: "b/ap-guangzhou"))
        a.coordinator.fenced(lease)
        #expect(a.coordinator.fence(unit: "b/ap-guangzhou") == nil)
        #expect(!a.coordinator.ownership.unitKeys.contains("b/ap-guangzhou"))
        // An older term's refusal does not drop the current holding.
        let current = try #require(a.coordinator.fence(unit: "a/ap-guangzhou"))
        a.coordinator.fenced(Lease(kind: .unit, name: current.name, holder: "a", term: current.term - 1, expiresAt: current.expiresAt))
        #expect(a.coordinator.fence(unit: "a/ap-guangzhou") == current)
    }

    @Test("the database unreachable: everything stops at the first failed round and comes back after")
    func unreachable() async {
        let a = replica("a")
        await rounds([a])
        store.failing = true
        await rounds([a])
        #expect(a.last.unitKeys.isEmpty && a.last.laneNames.isEmpty)
        #expect(a.last.problem == "connection refused")
        #expect(a.coordinator.fence(unit: "a/ap-guangzhou") == nil)
        store.failing = false
        await rounds([a], times: 2)
        #expect(a.last.unitKeys == Set(Self.units))
        #expect(a.last.problem == nil)
    }

    @Test("resigning releases every lease at once; the other replica takes them at its next round")
    func resign() async throws {
        let a = replica("a")
        let b = replica("b")
        await rounds([a, b], times: 3)
        await a.coordinator.resign()
        #expect(store.holdings(.unit, now: clock.date)["a"] == nil)
        #expect(a.last.unitKeys.isEmpty)
        await rounds([b])
        #expect(balanced(.unit, among: ["b"], total: 4))
        #expect(balanced(.lane, among: ["b"], total: 3))
    }

    @Test("a lane is handed over only once its last sends finished")
    func laneDrain() async throws {
        let a = replica("a")
        let b = replica("b")
        await rounds([a])
        a.recorder.busyLanes.withLock { $0 = Set(Self.lanes) }
        await rounds([b, a])
        // a should give up lanes but is still sending on them: not claimed any more, still held.
        #expect(a.last.laneNames.count == 2)
        #expect(store.holdings(.lane, now: clock.date)["a"]?.count == 3)
        await rounds([b, a], times: 4)
        #expect(store.holdings(.lane, now: clock.date)["a"]?.count == 3)
        a.recorder.busyLanes.withLock { $0 = [] }
        await rounds([a, b])
        #expect(balanced(.lane, among: ["a", "b"], total: 3))
        #expect(a.last.laneNames.isDisjoint(with: b.last.laneNames))
    }

    @Test("metrics: owned units and lanes, live replicas, the lease term")
    func metrics() async throws {
        let metrics = TestMetrics()
        let a = ReplicaUnderTest(
            "a", store: store, clock: clock, units: Self.units, lanes: Self.lanes,
            metrics: CoordinationMetrics(factory: metrics))
        await rounds([a])
        #expect(try metrics.expectGauge("tattle_owned_units").lastValue == 4)
        #expect(try metrics.expectGauge("tattle_owned_lanes").lastValue == 3)
        #expect(try metrics.expectGauge("tattle_live_replicas").lastValue == 1)
        #expect(
            try metrics.expectGauge("tattle_lease_term", [("kind", "unit"), ("name", "a/ap-guangzhou")]).lastValue == 1)
        #expect(try metrics.expectCounter("tattle_lease_changes_total", [("kind", "lane"), ("change", "acquired")]).totalValue == 3)
    }
}
