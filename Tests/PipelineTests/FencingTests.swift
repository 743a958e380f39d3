import Events
import Foundation
import Logging
import Outbox
import Pipeline
import Rules
import Store
import Synchronization
import Testing

/// The leases a sink reported refused.
final class Refusals: Sendable {
    let leases = Mutex<[Lease]>([])
}

/// A state store that fences like the shared database: a commit lands only when its fence names
/// the unit's current holder and term.
final class FencedStore: StateStore {
    let current = Mutex<Lease?>(nil)
    let committed = Mutex<[CycleCommit]>([])

    func loadSnapshot(region: String) async throws -> [InvocationState]? { nil }
    func loadNoiseMemory() async throws -> InMemoryNoiseMemory { InMemoryNoiseMemory() }
    func commit(_ commit: CycleCommit) async throws {
        if let fence = commit.fence {
            let current = current.withLock { $0 }
            guard current?.holder == fence.holder, current?.term == fence.term else { throw StoreError.fenced(fence) }
        }
        committed.withLock { $0.append(commit) }
    }
}

@Suite("Pipeline: commits fenced by the unit lease")
struct FencingTests {
    static let rules = #"[{"name": "failures", "match": {"status": "FAILED"}, "receivers": ["hook"]}]"#
    let unit = "prod/ap-guangzhou"
    let lease = Lease(kind: .unit, name: "prod/ap-guangzhou", holder: "replica-a", term: 4, expiresAt: t0 + 15)

    func fencedSink(store: FencedStore, held: Lease?, refused: Refusals = Refusals()) throws -> RulesCommitSink {
        RulesCommitSink(
            holder: RulesHolder(engine: try engine(Self.rules)), store: store, memory: InMemoryNoiseMemory(),
            now: { t0 }, logger: Logger(label: "test.sink", factory: { _ in SwiftLogNoOpLogHandler() }),
            committed: {},
            fencing: UnitFencing(lease: { $0 == held?.name ? held : nil }, refused: { lease in refused.leases.withLock { $0.append(lease) } }))
    }

    @Test("a commit carries the unit's lease as its fence")
    func carriesTheLease() async throws {
        let store = FencedStore()
        store.current.withLock { $0 = lease }
        try await fencedSink(store: store, held: lease).commit(region: unit, diff: diff([failure("inv-1")]), baseline: false)
        #expect(store.committed.withLock { $0.map(\.fence) } == [lease])
    }

    @Test("a unit this replica does not own is not committed at all")
    func notOwned() async throws {
        let store = FencedStore()
        let sink = try fencedSink(store: store, held: Lease?.none)
        await #expect(throws: UnitFencing.NotOwned.self) {
            try await sink.commit(region: unit, diff: diff([failure("inv-1")]), baseline: false)
        }
        #expect(store.committed.withLock { $0.isEmpty })
    }

    @Test("a deposed owner's commit is refused, and the refusal is reported so the unit is given up")
    func deposed() async throws {
        let store = FencedStore()
        store.current.withLock { $0 = Lease(kind: .unit, name: unit, holder: "replica-b", term: 5, expiresAt: t0 + 15) }
        let refused = Refusals()
        let sink = try fencedSink(store: store, held: lease, refused: refused)
        await #expect(throws: StoreError.fenced(lease)) {
            try await sink.commit(region: unit, diff: diff([failure("inv-1")]), baseline: false)
        }
        #expect(store.committed.withLock { $0.isEmpty })
        #expect(refused.leases.withLock { $0 } == [lease])
    }
}

@Suite("Pipeline: a replica taking units over reloads the noise memory")
struct NoiseReloadTests {
    static let throttled =
        #"[{"name": "t", "match": {"status": "FAILED"}, "receivers": ["hook"], "throttle": "10m", "groupBy": ["invocation.commandName"]}]"#

    @Test("what another replica's sink remembered throttles this one's after a reload")
    func throttleSurvivesTakeOver() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let previousOwner = sink(try engine(Self.throttled), store: store)
        let newOwner = sink(try engine(Self.throttled), store: store)
        try await previousOwner.commit(region: "ap-guangzhou", diff: diff([failure("inv-1")]), baseline: false)
        try await newOwner.reloadNoiseMemory()
        try await newOwner.commit(region: "ap-guangzhou", diff: diff([failure("inv-2")]), baseline: false)
        let rows = try await store.rows(in: [.pending], limit: 10)
        #expect(rows.map(\.dispatch.eventId) == [failure("inv-1").event.id])
    }
}
