import Events
import Foundation
import Outbox
import Rules
import Store
import Testing

@Suite("Cycle commits")
struct CommitTests {
    @Test(
        "A failing commit writes nothing: snapshot, events, outbox and noise stay as they were",
        arguments: Backend.allCases)
    func atomicity(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(CycleCommit(region: "r", upserts: [invocation("inv-1")], markBaselined: true))
            try await enqueue(store, ["evt-a"])

            let failing = CycleCommit(
                region: "r", upserts: [invocation("inv-1", status: "FAILED"), invocation("inv-9")],
                removals: ["inv-1"], events: [event("evt-b")],
                dispatches: [dispatch("evt-b"), dispatch("evt-missing")],
                noise: [.failing(key: "cmd-1", true), .notified(rule: "x", groupKey: "", at: t0)])
            await #expect {
                try await store.commit(failing)
            } throws: { error in
                (error as? StoreError)?.isMissingEvent == true
            }

            #expect(try await store.loadSnapshot(region: "r") == [invocation("inv-1")])
            let rows = try await store.rows(in: Set(DeliveryState.allCases), limit: 100)
            #expect(rows.map(\.dispatch.eventId) == ["evt-a"])
            #expect(try await store.loadNoiseMemory() == InMemoryNoiseMemory())
            // evt-b was not stored either: a dispatch for it alone must still fail.
            await #expect(throws: StoreError.self) {
                try await store.commit(CycleCommit(region: "r", dispatches: [dispatch("evt-b")]))
            }
        }
    }

    @Test("A dispatch may reference an event stored by an earlier commit", arguments: Backend.allCases)
    func earlierEvent(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.commit(CycleCommit(region: "r", events: [event("evt-a")]))
            try await store.commit(CycleCommit(region: "r", dispatches: [dispatch("evt-a", to: "mail")]))
            let rows = try await store.rows(in: [.pending], limit: 10)
            #expect(rows.map(\.dispatch.receiver) == ["mail"])
            #expect(rows.first?.event == event("evt-a"))
        }
    }

    @Test(
        "The same event is never queued twice for one receiver, across and within commits", arguments: Backend.allCases)
    func duplicates(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-a"])
            let delivered = try await store.claimDue(now: t0, limit: 10)
            try await store.markDelivered(ids: delivered.map(\.id), at: t0)
            // Re-detected after a crash: same event id, same receiver, different rule and time.
            try await store.commit(
                CycleCommit(
                    region: "r", events: [event("evt-a", status: "CHANGED")],
                    dispatches: [
                        dispatch("evt-a", rule: "other", notBefore: t0 + 5), dispatch("evt-a", to: "mail"),
                        dispatch("evt-a", to: "mail"),
                    ]))
            let rows = try await store.rows(in: Set(DeliveryState.allCases), limit: 10)
            #expect(rows.count == 2)
            let ops = try #require(rows.first { $0.dispatch.receiver == "ops" })
            #expect(ops.state == .delivered)
            #expect(ops.dispatch.rule == "failures")
            // The first stored form of the event is kept.
            #expect(ops.event.status == "FAILED")
            #expect(rows.contains { $0.dispatch.receiver == "mail" && $0.state == .pending })
        }
    }
}
