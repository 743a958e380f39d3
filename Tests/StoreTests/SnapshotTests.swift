import Events
import Foundation
import Outbox
import Rules
import Store
import Testing

@Suite("Snapshot and noise memory")
struct SnapshotTests {
    @Test("A region never baselined has no snapshot, even with invocations written", arguments: Backend.allCases)
    func notBaselined(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(CycleCommit(region: "ap-guangzhou", upserts: [invocation("inv-1")]))
            #expect(try await store.loadSnapshot(region: "ap-guangzhou") == nil)
            try await store.commit(CycleCommit(region: "ap-guangzhou", markBaselined: true))
            #expect(try await store.loadSnapshot(region: "ap-guangzhou") == [invocation("inv-1")])
            #expect(try await store.loadSnapshot(region: "ap-shanghai") == nil)
        }
    }

    @Test("A baselined empty region loads as an empty snapshot", arguments: Backend.allCases)
    func emptyBaseline(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(CycleCommit(region: "ap-beijing", markBaselined: true))
            #expect(try await store.loadSnapshot(region: "ap-beijing") == [])
        }
    }

    @Test(
        "Invocations and tasks round-trip exactly, unknown statuses and non-ASCII ids included",
        arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await backend.withStore { store in
            var odd = invocation("inv-ünïcödé", status: "SOMETHING_NEW", tasks: 3)
            odd.tasks[0].status = TaskStatus(rawValue: "brand_new_task_status")
            odd.timeout = nil
            odd.createdTime = nil
            odd.stuckFired = true
            let empty = invocation("inv-empty", status: "PENDING", tasks: 0)
            let states = [invocation("inv-1"), odd, empty]
            try await store.commit(CycleCommit(region: "ap-guangzhou", upserts: states, markBaselined: true))

            let loaded = try #require(try await store.loadSnapshot(region: "ap-guangzhou"))
            #expect(Set(loaded) == Set(states))
            let reloadedOdd = try #require(loaded.first { $0.id == odd.id })
            #expect(reloadedOdd.status.rawValue == "SOMETHING_NEW")
            #expect(!reloadedOdd.status.isKnown)
            #expect(reloadedOdd.tasks[0].status.rawValue == "BRAND_NEW_TASK_STATUS")
        }
    }

    @Test("Fractional times survive within a microsecond", arguments: Backend.allCases)
    func fractionalTimes(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let since = Date(timeIntervalSinceReferenceDate: 786_000_123.456_789)
            var state = invocation("inv-1", tasks: 1)
            state.statusSince = since
            state.tasks[0].statusSince = since
            try await store.commit(CycleCommit(region: "r", upserts: [state], markBaselined: true))
            let loaded = try #require(try await store.loadSnapshot(region: "r")?.first)
            #expect(abs(loaded.statusSince.timeIntervalSince(since)) < 1e-6)
            #expect(abs(loaded.tasks[0].statusSince.timeIntervalSince(since)) < 1e-6)
        }
    }

    @Test("Upserts replace, removals delete, and regions stay apart", arguments: Backend.allCases)
    func upsertAndRemove(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                CycleCommit(region: "a", upserts: [invocation("inv-1"), invocation("inv-2")], markBaselined: true))
            try await store.commit(CycleCommit(region: "b", upserts: [invocation("inv-1")], markBaselined: true))
            var done = invocation("inv-1", status: "SUCCESS", tasks: 1)
            done.tasks[0].status = .success
            try await store.commit(CycleCommit(region: "a", upserts: [done], removals: ["inv-2"]))

            #expect(try await store.loadSnapshot(region: "a") == [done])
            #expect(try await store.loadSnapshot(region: "b") == [invocation("inv-1")])
        }
    }

    @Test("Noise updates persist and load in order", arguments: Backend.allCases)
    func noiseMemory(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(
                CycleCommit(
                    region: "r",
                    noise: [
                        .notified(rule: "r1", groupKey: "g", at: t0), .failing(key: "cmd-1", true),
                        .failing(key: "cmd-2", true),
                    ]))
            try await store.commit(
                CycleCommit(
                    region: "r",
                    noise: [.notified(rule: "r1", groupKey: "g", at: t0 + 60), .failing(key: "cmd-1", false)]))
            let memory = try await store.loadNoiseMemory()
            #expect(memory.lastNotified(rule: "r1", groupKey: "g") == t0 + 60)
            #expect(memory.lastNotified(rule: "r1", groupKey: "other") == nil)
            #expect(!memory.isFailing(key: "cmd-1"))
            #expect(memory.isFailing(key: "cmd-2"))
        }
    }
}
