import Coordination
import Events
import Foundation
import Logging
import Outbox
import Pipeline
import PostgresStore
import Rules
import Store
import Testing
import TestSupport

/// Fencing against a real PostgreSQL 15: the lease row's term, checked inside the commit
/// transaction, is what keeps a deposed owner (paused past its TTL, partitioned) from writing.
@Suite("Coordination on PostgreSQL: fencing", .timeLimit(.minutes(2)))
struct PostgresFencingTests {
    static let unit = "prod/ap-guangzhou"
    static let rules = """
        {"version": 1, "receivers": {"hook": {"type": "webhook", "url": "https://hooks.example.com/x"}},
         "rules": [{"name": "failures", "match": {"status": "FAILED"}, "receivers": ["hook"]}]}
        """

    static func coordinator(_ id: String, _ store: PostgresStore, _ clock: TestClock) -> Coordinator {
        Coordinator(
            replica: id, configuration: .init(renewInterval: .seconds(1), ttl: .seconds(3), handoverPause: .seconds(1)),
            store: store, units: { [unit] }, lanes: { ["hook"] }, apply: { _ in }, now: { clock.date },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func sink(_ store: PostgresStore, _ clock: TestClock, fencing: UnitFencing) throws -> RulesCommitSink {
        let (ruleSet, diagnostics) = RuleSet.load(data: Data(rules.utf8))
        let rules = try #require(ruleSet, "\(diagnostics)")
        return RulesCommitSink(
            holder: RulesHolder(engine: RulesEngine(ruleSet: rules)), store: store, memory: InMemoryNoiseMemory(),
            now: { clock.date }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            committed: {}, fencing: fencing)
    }

    /// A cycle in which `invocation` went RUNNING → FAILED.
    static func failed(_ invocation: String, at date: Date) -> Diff {
        let id = EventID.make(
            type: .invocationStatusChanged, region: "ap-guangzhou", invocationId: invocation, taskId: nil,
            previousStatus: "RUNNING", status: "FAILED")
        let event = Event(
            id: id, type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: date, previousStatus: "RUNNING",
            status: "FAILED", invocation: InvocationInfo(
                id: invocation, status: "FAILED", metadata: InvocationMetadata(commandName: "deploy"),
                instanceCount: 1
            ),
            account: "prod")
        return Diff(
            events: [event],
            upserts: [InvocationState(id: invocation, status: InvocationStatus(rawValue: "FAILED"), statusSince: date)])
    }

    @Test("a deposed owner's late commit is refused by the term: nothing of it lands, and it gives the unit up")
    func deposedOwnersCommitRefused() async throws {
        try await PostgresServer.shared().withStore { store in
            let clock = TestClock()
            let a = Self.coordinator("replica-a", store, clock)
            let b = Self.coordinator("replica-b", store, clock)
            await a.round()
            let stale = try #require(a.fence(unit: Self.unit))

            // a stalls right after reading its fence (a long pause, a partition): no renewal for
            // longer than the TTL. b takes the lapsed lease under the next term and, after the
            // hand-over pause, commits a cycle.
            clock.advance(by: .seconds(4))
            await b.round()
            clock.advance(by: .seconds(1.5))
            await b.round()
            let current = try #require(b.fence(unit: Self.unit))
            #expect(current.term == stale.term + 1)
            let bSink = try Self.sink(
                store, clock, fencing: UnitFencing(lease: { b.fence(unit: $0) }, refused: { b.fenced($0) }))
            try await bSink.commit(region: Self.unit, diff: Self.failed("inv-b", at: clock.date), baseline: true)

            // a wakes and commits with the fence it read before the stall.
            let aSink = try Self.sink(store, clock, fencing: UnitFencing(lease: { _ in stale }, refused: { a.fenced($0) }))
            await #expect(throws: StoreError.fenced(stale)) {
                try await aSink.commit(region: Self.unit, diff: Self.failed("inv-a", at: clock.date), baseline: false)
            }
            // Nothing of a's cycle landed: the snapshot and the outbox are b's alone.
            #expect(try await store.loadSnapshot(region: Self.unit)?.map(\.id) == ["inv-b"])
            let rows = try await store.rows(in: Set(DeliveryState.allCases), limit: 10)
            #expect(rows.map(\.event.invocation.id) == ["inv-b"])
            // a dropped the unit at once, and its next round leaves it with b.
            #expect(a.fence(unit: Self.unit) == nil)
            await a.round()
            #expect(a.ownership.units.isEmpty)
            #expect(b.fence(unit: Self.unit) == current)
        }
    }

    @Test("replicas on one database split units and lanes evenly and hand them over on join and resign")
    func shareAndHandOver() async throws {
        try await PostgresServer.shared().withStore { store in
            let clock = TestClock()
            let units = ["a/ap-guangzhou", "a/ap-shanghai", "b/ap-guangzhou", "b/ap-shanghai"]
            func coordinator(_ id: String) -> Coordinator {
                Coordinator(
                    replica: id, configuration: .init(renewInterval: .seconds(1), ttl: .seconds(3), handoverPause: .seconds(1)),
                    store: store, units: { units }, lanes: { ["hook", "mail"] }, apply: { _ in }, now: { clock.date },
                    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
            let replicas = ["r1", "r2", "r3"].map(coordinator)
            for _ in 0..<3 {
                for replica in replicas { await replica.round() }
                clock.advance(by: .seconds(1))
            }
            let counts = replicas.map { $0.ownership.units.count }
            #expect(counts.reduce(0, +) == 4 && counts.max()! - counts.min()! <= 1)
            #expect(replicas.map { $0.ownership.lanes.count }.reduce(0, +) == 2)
            let leases = try await store.leases(now: clock.date)
            #expect(Set(leases.filter { $0.kind == .unit }.map(\.name)) == Set(units))

            await replicas[0].resign()
            for _ in 0..<2 {
                for replica in replicas.dropFirst() { await replica.round() }
                clock.advance(by: .seconds(1))
            }
            let after = replicas.dropFirst().map { $0.ownership.units.count }
            #expect(after == [2, 2])
            #expect(replicas.dropFirst().map { $0.ownership.lanes.count } == [1, 1])
        }
    }
}
