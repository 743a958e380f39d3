import Events
import Foundation
import TATSimulator
import Testing
import Watcher

@Suite("Watcher: discovery", .timeLimit(.minutes(2)))
struct DiscoveryTests {
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
