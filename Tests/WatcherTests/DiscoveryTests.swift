import Events
import Foundation
import TATSimulator
import Testing
import Watcher

@Suite("Watcher: discovery", .timeLimit(.minutes(2)))
struct DiscoveryTests {
    @Test("discovery stops at the page cap and continues next cycle; every new invocation is reported once")
    func pageCap() async throws {
        try await Harness.with { h in
            var configuration = Watcher.Configuration(regions: [Harness.region])
            configuration.maxDiscoveryPages = 2
            let watcher = h.watcher(configuration)
            await h.simulator.seedRetained(count: 120, active: 0)
            try await watcher.pollOnce()
            var created = Set<String>()
            for _ in 0..<450 { created.insert(await h.simulator.addInvocation().invocationId) }

            var newPerCycle: [Int] = []
            for _ in 0..<4 {
                let report = try #require(try await watcher.pollOnce().first)
                #expect(report.kind == .incremental)
                newPerCycle.append(report.diff.events.filter { $0.previousStatus == nil }.count)
            }
            #expect(newPerCycle == [200, 200, 50, 0])
            let reported = h.log.events.filter { $0.type == .invocationStatusChanged }.map(\.invocation.id)
            #expect(reported.count == 450)
            #expect(Set(reported) == created)
            #expect(await watcher.pollers[0].trackedCount == 570)
        }
    }

    @Test("an API listing oldest first: the order is learnt from CreatedTime and the tail is paged backwards")
    func oldestFirst() async throws {
        let reader = OldestFirstReader()
        reader.add(count: 100)
        let log = CommitLog()
        let store = MemoryStateStore()
        let watcher = Watcher(
            configuration: Watcher.Configuration(regions: [Harness.region]), reader: reader, store: store,
            sink: RecordingSink(store: store, log: log), now: { Harness.origin })
        try await watcher.pollOnce()
        reader.add(count: 150)
        let first = try #require(try await watcher.pollOnce().first)
        #expect(first.kind == .incremental)
        #expect(first.diff.events.filter { $0.type == .invocationStatusChanged }.count == 150)
        #expect(first.apiCalls == 3, "head, then the tail [150, 250) and [100, 150)")
        #expect(await watcher.pollers[0].trackedCount == 250)
        #expect(await watcher.pollers[0].listingOrder == .oldestFirst)
        let second = try #require(try await watcher.pollOnce().first)
        #expect(second.kind == .incremental)
        #expect(second.diff.isEmpty)
        #expect(second.apiCalls == 2, "head and tail: known ground")
    }
}
