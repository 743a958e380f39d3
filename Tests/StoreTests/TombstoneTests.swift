import Events
import Foundation
import Store
import Testing

@Suite("Tombstones")
struct TombstoneTests {
    @Test(
        "a removal's tombstone is stored in the commit's transaction, per region, and forgotten on request",
        arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let gone = invocation("inv-gone", tasks: 3)
            try await store.commit(CycleCommit(region: "a", upserts: [gone, invocation("inv-2")], markBaselined: true))
            try await store.commit(
                CycleCommit(
                    region: "a", removals: ["inv-gone"], tombstones: [Tombstone(state: gone, removedAt: t0)]))
            #expect(try await store.loadSnapshot(region: "a")?.map(\.id) == ["inv-2"])
            #expect(try await store.loadTombstones(region: "a") == [Tombstone(state: gone, removedAt: t0)])
            #expect(try await store.loadTombstones(region: "b").isEmpty)

            // Revived: upserted again and the tombstone forgotten, together.
            try await store.commit(CycleCommit(region: "a", upserts: [gone], forgottenTombstones: ["inv-gone"]))
            #expect(try await store.loadTombstones(region: "a").isEmpty)
            #expect(try await store.loadSnapshot(region: "a")?.map(\.id).sorted() == ["inv-2", "inv-gone"])
        }
    }

    @Test("a commit that fails keeps neither its removals nor its tombstones", arguments: Backend.allCases)
    func atomic(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let gone = invocation("inv-gone")
            try await store.commit(CycleCommit(region: "a", upserts: [gone], markBaselined: true))
            let failing = CycleCommit(
                region: "a", removals: ["inv-gone"], dispatches: [dispatch("evt-missing")],
                tombstones: [Tombstone(state: gone, removedAt: t0)])
            await #expect(throws: (any Error).self) { try await store.commit(failing) }
            #expect(try await store.loadTombstones(region: "a").isEmpty)
            #expect(try await store.loadSnapshot(region: "a")?.map(\.id) == ["inv-gone"])
        }
    }
}
