import Events
import Foundation
import Pipeline
import Store
import Synchronization
import Testing
import Watcher

@Suite("Pipeline: the plain store sink and the snapshot source")
struct StoreSinkTests {
    @Test("StoreSink commits the snapshot and hands the events on; the store serves it back as a SnapshotSource")
    func commitsAndServesTheSnapshot() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { t0 }))
        let seen = Mutex<[String]>([])
        let sink = StoreSink(store: store) { region, events in
            seen.withLock { $0.append(contentsOf: events.map { "\(region) \($0.invocation.id)" }) }
        }
        let source: any SnapshotSource = store
        #expect(try await source.loadSnapshot(region: "ap-guangzhou") == nil)

        try await sink.commit(region: "ap-guangzhou", diff: diff([failure("inv-1")]), baseline: true)

        #expect(try await source.loadSnapshot(region: "ap-guangzhou")?.map(\.id) == ["inv-1"])
        #expect(seen.withLock { $0 } == ["ap-guangzhou inv-1"])
        #expect(try await store.rows(in: [.pending], limit: 10).isEmpty)
    }
}
