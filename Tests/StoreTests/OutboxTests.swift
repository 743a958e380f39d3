import Events
import Foundation
import Outbox
import Rules
import Store
import TestSupport
import Testing

@Suite("Outbox")
struct OutboxTests {
    @Test(
        "claimDue waits for both notBefore and nextAttemptAt, oldest due first, up to the limit",
        arguments: Backend.allCases)
    func dueness(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-late"], notBefore: t0 + 30)
            try await enqueue(store, ["evt-1", "evt-2", "evt-3"])

            #expect(try await store.claimDue(now: t0 - 1, limit: 10).isEmpty)
            let first = try await store.claimDue(now: t0, limit: 2)
            #expect(first.map(\.dispatch.eventId) == ["evt-1", "evt-2"])
            #expect(first.allSatisfy { $0.state == .inFlight && $0.event.id == $0.dispatch.eventId })
            #expect(try await store.claimDue(now: t0, limit: 10).map(\.dispatch.eventId) == ["evt-3"])
            // In-flight rows are not claimed again.
            #expect(try await store.claimDue(now: t0 + 29, limit: 10).isEmpty)
            #expect(try await store.nextDueTime() == t0 + 30)

            // A retry is due at its nextAttemptAt, not before.
            try await store.scheduleRetry(ids: [first[0].id], at: t0 + 100, error: "HTTP 503", responseExcerpt: "busy")
            #expect(try await store.claimDue(now: t0 + 30, limit: 10).map(\.dispatch.eventId) == ["evt-late"])
            #expect(try await store.nextDueTime() == t0 + 100)
            #expect(try await store.claimDue(now: t0 + 99, limit: 10).isEmpty)
            let retried = try await store.claimDue(now: t0 + 100, limit: 10)
            #expect(retried.map(\.id) == [first[0].id])
            #expect(retried.first?.attempts == 1)
            #expect(retried.first?.lastError == "HTTP 503")
            #expect(retried.first?.responseExcerpt == "busy")
            // Everything is in flight: the next due time is the first lease to lapse (default 5 min).
            #expect(try await store.nextDueTime() == t0 + 300)
        }
    }

    @Test("A group is claimed whole once its earliest member is due", arguments: Backend.allCases)
    func groups(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-g1"], group: "cmd-1", notBefore: t0 + 10)
            try await enqueue(store, ["evt-g2"], group: "cmd-1", notBefore: t0 + 40)
            try await enqueue(store, ["evt-other"], group: "cmd-2", notBefore: t0 + 40)
            try await enqueue(store, ["evt-mail"], to: "mail", group: "cmd-1", notBefore: t0 + 40)

            #expect(try await store.claimDue(now: t0 + 9, limit: 10).isEmpty)
            #expect(try await store.nextDueTime() == t0 + 10)
            // limit 1 still returns the whole group, and nothing of other groups or receivers.
            let group = try await store.claimDue(now: t0 + 10, limit: 1)
            #expect(group.map(\.dispatch.eventId) == ["evt-g1", "evt-g2"])
            #expect(Set(group.map(\.dispatch.groupKey)) == ["cmd-1"])
            #expect(try await store.claimDue(now: t0 + 39, limit: 10).isEmpty)
            #expect(
                Set(try await store.claimDue(now: t0 + 40, limit: 10).map(\.dispatch.eventId)) == [
                    "evt-other", "evt-mail",
                ])
        }
    }

    @Test(
        "A group member backing off from a failure does not ride along with a newer due member",
        arguments: Backend.allCases)
    func groupBackoff(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-old"], group: "g")
            let old = try await store.claimDue(now: t0, limit: 10)
            try await store.scheduleRetry(ids: old.map(\.id), at: t0 + 300, error: "timeout", responseExcerpt: nil)
            try await enqueue(store, ["evt-new"], group: "g", notBefore: t0 + 10)

            #expect(try await store.claimDue(now: t0 + 10, limit: 10).map(\.dispatch.eventId) == ["evt-new"])
            #expect(try await store.claimDue(now: t0 + 300, limit: 10).map(\.dispatch.eventId) == ["evt-old"])
        }
    }

    @Test(
        "Dead rows keep their error until replayed; replay resets attempts and makes them due now",
        arguments: Backend.allCases)
    func deadAndReplay(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2", "evt-3"])
            let claimed = try await store.claimDue(now: t0, limit: 10)
            try await store.scheduleRetry(ids: [claimed[0].id], at: t0 + 1, error: "HTTP 500", responseExcerpt: nil)
            _ = try await store.claimDue(now: t0 + 1, limit: 10)
            try await store.markDead(
                ids: [claimed[0].id, claimed[1].id], error: "HTTP 400 bad keyword",
                responseExcerpt: "{\"errcode\":310000}")
            try await store.markDelivered(ids: [claimed[2].id], at: t0 + 2)

            let dead = try await store.rows(in: [.dead], limit: 10)
            #expect(dead.map(\.id) == [claimed[1].id, claimed[0].id])
            #expect(dead.first { $0.id == claimed[0].id }?.attempts == 2)
            #expect(
                dead.allSatisfy {
                    $0.lastError == "HTTP 400 bad keyword" && $0.responseExcerpt == "{\"errcode\":310000}"
                })
            // Marking a dead or delivered row again changes nothing.
            try await store.markDelivered(ids: [claimed[0].id], at: t0 + 3)
            try await store.scheduleRetry(ids: [claimed[2].id], at: t0 + 9, error: "x", responseExcerpt: nil)
            #expect(try await store.stats(now: t0 + 3) == OutboxStats(dead: 2, delivered: 1))

            #expect(try await store.replay(ids: [claimed[0].id, claimed[2].id, 999], now: t0 + 50) == 1)
            let replayed = try await store.claimDue(now: t0 + 50, limit: 10)
            #expect(replayed.map(\.id) == [claimed[0].id])
            #expect(replayed.first?.attempts == 0)
            #expect(try await store.replay(ids: nil, now: t0 + 60) == 1)
            #expect(try await store.rows(in: [.dead], limit: 10).isEmpty)
        }
    }

    @Test("rows(attemptedOnly:) lists the retrying rows only", arguments: Backend.allCases)
    func retryingRows(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2"])
            let claimed = try await store.claimDue(now: t0, limit: 10)
            try await store.scheduleRetry(ids: [claimed[1].id], at: t0 + 5, error: "HTTP 429", responseExcerpt: nil)
            try await store.recoverInFlight()
            let retrying = try await store.rows(in: [.pending], attemptedOnly: true, limit: 10)
            #expect(retrying.map(\.dispatch.eventId) == ["evt-2"])
            #expect(try await store.rows(in: [.pending], limit: 10).count == 2)
        }
    }

    @Test("stats counts every state and the oldest pending or in-flight row's age", arguments: Backend.allCases)
    func stats(_ backend: Backend) async throws {
        let clock = TestClock(start: t0)
        try await backend.withStore(now: { clock.date }) { store in
            #expect(try await store.stats(now: t0) == OutboxStats())
            try await enqueue(store, ["evt-1", "evt-2"])
            clock.advance(to: t0 + 20)
            try await enqueue(store, ["evt-3", "evt-4"])
            let claimed = try await store.claimDue(now: t0 + 20, limit: 3)
            try await store.markDelivered(ids: [claimed[0].id], at: t0 + 21)
            try await store.markDead(ids: [claimed[1].id], error: "no", responseExcerpt: nil)
            #expect(
                try await store.stats(now: t0 + 25)
                    == OutboxStats(pending: 1, inFlight: 1, dead: 1, delivered: 1, oldestPendingAge: 5))
        }
    }

    @Test(
        "prune drops old delivered rows and unreferenced events, never pending or dead ones",
        arguments: Backend.allCases)
    func prune(_ backend: Backend) async throws {
        let clock = TestClock(start: t0)
        try await backend.withStore(now: { clock.date }) { store in
            try await enqueue(store, ["evt-done", "evt-dead", "evt-waiting"])
            try await store.commit(CycleCommit(region: "r", events: [event("evt-unrouted")]))
            let claimed = try await store.claimDue(now: t0, limit: 2)
            try await store.markDelivered(ids: [claimed[0].id], at: t0)
            try await store.markDead(ids: [claimed[1].id], error: "no", responseExcerpt: nil)
            clock.advance(to: t0 + 8 * 86_400)
            try await enqueue(store, ["evt-fresh"])
            let fresh = try await store.claimDue(now: clock.date, limit: 10)
            try await store.markDelivered(ids: fresh.map(\.id), at: clock.date)

            let result = try await store.prune(now: clock.date)
            #expect(result == SQLiteStore.PruneResult(deliveredRows: 1, events: 2))
            let left = try await store.rows(in: Set(DeliveryState.allCases), limit: 10)
            #expect(Set(left.map(\.dispatch.eventId)) == ["evt-dead", "evt-waiting", "evt-fresh"])
            // The pruned events are gone: a dispatch for one is refused.
            await #expect(throws: StoreError.self) {
                try await store.commit(CycleCommit(region: "r", dispatches: [dispatch("evt-unrouted")]))
            }
            #expect(try await store.prune(now: clock.date) == SQLiteStore.PruneResult(deliveredRows: 0, events: 0))
        }
    }
}
