import Events
import Foundation
import Outbox
import Pipeline
import Rules
import Store
import Testing

@Suite("Pipeline: the rules commit sink")
struct RulesCommitSinkTests {
    static let failures = #"[{"name": "failures", "match": {"status": "FAILED"}, "receivers": ["hook"]}]"#
    static let throttled =
        #"[{"name": "t", "match": {"status": "FAILED"}, "receivers": ["hook"], "throttle": "10m", "groupBy": ["invocation.commandName"]}]"#

    @Test("one cycle commits the snapshot, the matched event and its outbox row together, then wakes delivery")
    func commitsEverythingOfACycle() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let wakes = WakeCounter()
        let sink = sink(try engine(Self.failures), store: store, wakes: wakes)
        let failed = failure("inv-1")
        let succeeded = failure("inv-2", status: "SUCCESS")

        try await sink.commit(region: "ap-guangzhou", diff: diff([failed, succeeded]), baseline: true)

        let snapshot = try #require(try await store.loadSnapshot(region: "ap-guangzhou"))
        #expect(Set(snapshot.map(\.id)) == ["inv-1", "inv-2"])
        let rows = try await store.rows(in: [.pending], limit: 10)
        #expect(rows.map(\.dispatch.eventId) == [failed.event.id])
        #expect(rows.map(\.dispatch.receiver) == ["hook"])
        #expect(rows.first?.event == failed.event)
        #expect(wakes.value == 1)
    }

    @Test("a quiet cycle or one nothing matches advances the snapshot without waking delivery")
    func nothingMatchedDoesNotWake() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let wakes = WakeCounter()
        let sink = sink(try engine(Self.failures), store: store, wakes: wakes)

        try await sink.commit(region: "ap-guangzhou", diff: Diff(), baseline: true)
        try await sink.commit(
            region: "ap-guangzhou", diff: diff([failure("inv-1", status: "SUCCESS")]), baseline: false)

        #expect(try await store.loadSnapshot(region: "ap-guangzhou")?.map(\.id) == ["inv-1"])
        #expect(try await store.rows(in: [.pending], limit: 10).isEmpty)
        #expect(wakes.value == 0)
    }

    @Test("noise memory is updated after the commit and persisted in it: a throttled repeat is not enqueued")
    func memoryFollowsTheCommit() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let sink = sink(try engine(Self.throttled), store: store)

        try await sink.commit(region: "ap-guangzhou", diff: diff([failure("inv-1")]), baseline: true)
        try await sink.commit(region: "ap-guangzhou", diff: diff([failure("inv-2")]), baseline: false)

        #expect(try await store.rows(in: [.pending], limit: 10).map(\.dispatch.eventId) == [failure("inv-1").event.id])
        let persisted = try await store.loadNoiseMemory()
        #expect(persisted.lastNotified(rule: "t", groupKey: "deploy") == t0)
    }

    @Test("two regions committing at once are serialised: one throttle window, one notification")
    func regionsAreSerialised() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let sink = sink(try engine(Self.throttled), store: store)
        let regions = ["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-singapore"]

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, region) in regions.enumerated() {
                group.addTask {
                    try await sink.commit(
                        region: region, diff: diff([failure("inv-\(index)", region: region)]), baseline: true)
                }
            }
            try await group.waitForAll()
        }

        let rows = try await store.rows(in: [.pending], limit: 10)
        #expect(rows.count == 1)
        for region in regions {
            #expect(try await store.loadSnapshot(region: region)?.count == 1)
        }
    }

    @Test("a failed commit keeps nothing, not even in memory: the same change re-detected next cycle notifies")
    func failedCommitKeepsNothing() async throws {
        let base = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let store = FlakyStore(base: base, failures: 1)
        let wakes = WakeCounter()
        let sink = sink(try engine(Self.throttled), store: store, wakes: wakes)
        let change = diff([failure("inv-1")])

        await #expect(throws: FixtureError.self) {
            try await sink.commit(region: "ap-guangzhou", diff: change, baseline: true)
        }
        #expect(try await base.loadSnapshot(region: "ap-guangzhou") == nil)
        #expect(try await base.rows(in: [.pending], limit: 10).isEmpty)
        #expect(wakes.value == 0)

        try await sink.commit(region: "ap-guangzhou", diff: change, baseline: true)
        #expect(try await base.rows(in: [.pending], limit: 10).map(\.dispatch.eventId) == [failure("inv-1").event.id])
        #expect(wakes.value == 1)
    }

    @Test("the memory it starts from is honoured: a window opened before a restart still throttles")
    func startsFromLoadedMemory() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        var memory = InMemoryNoiseMemory()
        memory.apply([.notified(rule: "t", groupKey: "deploy", at: t0.addingTimeInterval(-60))])
        let sink = sink(try engine(Self.throttled), store: store, memory: memory)

        try await sink.commit(region: "ap-guangzhou", diff: diff([failure("inv-1")]), baseline: true)

        #expect(try await store.rows(in: [.pending], limit: 10).isEmpty)
    }
}
