import Events
import Foundation
import GRDB
import Outbox
import Rules
import TestSupport
import Testing

@testable import Store

@Suite("Outbox leases, stored messages, held rows and retention")
struct OutboxLeaseTests {
    @Test(
        "A claim limited to some receivers (the lanes a replica owns) leaves the others' rows due",
        arguments: Backend.allCases)
    func claimByLane(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2"], to: "ops")
            try await enqueue(store, ["evt-3"], to: #"odd "name""#)
            #expect(try await store.claimDue(now: t0, limit: 10, leaseUntil: t0 + 60, receivers: []).isEmpty)
            let odd = try await store.claimDue(now: t0, limit: 10, leaseUntil: t0 + 60, receivers: [#"odd "name""#])
            #expect(odd.map(\.dispatch.eventId) == ["evt-3"])
            let rest = try await store.claimDue(now: t0, limit: 10, leaseUntil: t0 + 60, receivers: ["ops", "mail"])
            #expect(rest.map(\.dispatch.eventId) == ["evt-1", "evt-2"])
            // A lapsed lease is claimed again only by the lane's own claim.
            #expect(
                try await store.claimDue(now: t0 + 61, limit: 10, leaseUntil: t0 + 120, receivers: ["ops"]).count == 2)
        }
    }

    @Test(
        "The next due time of some receivers counts only their rows, pending and in flight",
        arguments: Backend.allCases)
    func nextDueByLane(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-ops"], to: "ops", notBefore: t0 + 50)
            try await enqueue(store, ["evt-odd"], to: #"odd "name""#, notBefore: t0 + 10)
            try await enqueue(store, ["evt-mail"], to: "mail", notBefore: t0 + 5)
            #expect(try await store.nextDueTime() == t0 + 5)
            #expect(try await store.nextDueTime(receivers: nil) == t0 + 5)
            #expect(try await store.nextDueTime(receivers: []) == nil)
            #expect(try await store.nextDueTime(receivers: ["ops"]) == t0 + 50)
            #expect(try await store.nextDueTime(receivers: ["ops", #"odd "name""#]) == t0 + 10)
            #expect(try await store.nextDueTime(receivers: ["nobody"]) == nil)
            // A lane's in-flight lease counts for that lane only.
            let mail = try await store.claimDue(now: t0 + 5, limit: 10, leaseUntil: t0 + 20, receivers: ["mail"])
            #expect(mail.map(\.dispatch.eventId) == ["evt-mail"])
            #expect(try await store.nextDueTime(receivers: ["mail"]) == t0 + 20)
            #expect(try await store.nextDueTime(receivers: ["ops"]) == t0 + 50)
            #expect(try await store.nextDueTime() == t0 + 10)
        }
    }

    @Test("postpone waits without counting an attempt; scheduleRetry counts one", arguments: Backend.allCases)
    func postponeKeepsAttempts(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1"])
            let id = try #require(try await store.claimDue(now: t0, limit: 10).first?.id)
            try await store.postpone(ids: [id], until: t0 + 600, reason: "rate limited", responseExcerpt: nil)
            #expect(try await store.claimDue(now: t0 + 599, limit: 10).isEmpty)
            let again = try #require(try await store.claimDue(now: t0 + 600, limit: 10).first)
            #expect(again.attempts == 0 && again.lastError == "rate limited")
            try await store.scheduleRetry(ids: [id], at: t0 + 601, error: "HTTP 503", responseExcerpt: nil)
            #expect(try await store.claimDue(now: t0 + 601, limit: 10).first?.attempts == 1)
        }
    }

    @Test("What an attempt sent is kept with the row; a write without one keeps the last", arguments: Backend.allCases)
    func sentPayload(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1"])
            let id = try #require(try await store.claimDue(now: t0, limit: 10).first?.id)
            try await store.scheduleRetry(
                ids: [id], at: t0 + 10, error: "HTTP 503", responseExcerpt: nil, sentPayload: #"{"text":"first"}"#)
            let claimed = try #require(try await store.claimDue(now: t0 + 10, limit: 10).first)
            #expect(claimed.sentPayload == #"{"text":"first"}"#)
            try await store.postpone(ids: [id], until: t0 + 20, reason: "rate limited", responseExcerpt: nil)
            _ = try await store.claimDue(now: t0 + 20, limit: 10)
            try await store.markDelivered(ids: [id], at: t0 + 21, sentPayload: #"{"text":"second"}"#)
            #expect(try await store.rows(in: [.delivered], limit: 10).map(\.sentPayload) == [#"{"text":"second"}"#])
        }
    }

    @Test(
        "A stored message is claimed whole with its key; new rows of the group are not added to it",
        arguments: Backend.allCases)
    func storedMessage(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2"], group: "g")
            let first = try await store.claimDue(now: t0, limit: 10)
            let message = try await store.fixMessage(
                ids: first.map(\.id), receiver: "ops", key: "grp_abc:ops", isDigest: false, now: t0)
            // Fixing again under the same key is the same message.
            #expect(
                try await store.fixMessage(
                    ids: first.map(\.id), receiver: "ops", key: "grp_abc:ops", isDigest: false, now: t0) == message)
            try await store.scheduleRetry(ids: first.map(\.id), at: t0 + 10, error: "timeout", responseExcerpt: nil)
            try await enqueue(store, ["evt-3"], group: "g")

            // evt-3 is due first and alone: the message's members are backing off.
            #expect(try await store.claimDue(now: t0 + 1, limit: 10).map(\.dispatch.eventId) == ["evt-3"])
            // The retry brings exactly the stored members, with the stored key, even with limit 1.
            let retry = try await store.claimDue(now: t0 + 10, limit: 1)
            #expect(retry.map(\.dispatch.eventId) == ["evt-1", "evt-2"])
            #expect(retry.allSatisfy { $0.message == message })
        }
    }

    @Test(
        "Held rows are not claimed, resume for a returning receiver, and die past the age limit",
        arguments: Backend.allCases)
    func heldRows(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2"])
            try await enqueue(store, ["evt-3"], to: "mail")
            let claimed = try await store.claimDue(now: t0, limit: 10)
            try await store.hold(ids: claimed.filter { $0.dispatch.receiver == "ops" }.map(\.id), reason: "gone")
            try await store.hold(ids: claimed.filter { $0.dispatch.receiver == "mail" }.map(\.id), reason: "gone")
            #expect(try await store.heldCounts() == ["ops": 2, "mail": 1])
            #expect(try await store.stats(now: t0).held == 3)
            #expect(try await store.claimDue(now: t0 + 3600, limit: 10).isEmpty)
            #expect(try await store.releaseHeld(receivers: ["ops"], now: t0 + 60) == 2)
            #expect(try await store.claimDue(now: t0 + 60, limit: 10).map(\.dispatch.eventId) == ["evt-1", "evt-2"])
            #expect(try await store.expireHeld(receiver: "mail", before: t0, error: "x") == 0)
            #expect(try await store.expireHeld(receiver: "ops", before: t0 + 1, error: "x") == 0)  // released
            #expect(try await store.expireHeld(receiver: "mail", before: t0 + 1, error: "gave up") == 1)
            #expect(try await store.rows(in: [.dead], limit: 10).map(\.lastError) == ["gave up"])
        }
    }

    @Test("replay restarts the age clock and forgets the old message membership", arguments: Backend.allCases)
    func replayRestartsAge(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await enqueue(store, ["evt-1", "evt-2"], group: "g")
            let claimed = try await store.claimDue(now: t0, limit: 10)
            _ = try await store.fixMessage(
                ids: claimed.map(\.id), receiver: "ops", key: "grp_x:ops", isDigest: false, now: t0)
            try await store.markDead(ids: claimed.map(\.id), error: "gave up after 24 h", responseExcerpt: nil)
            #expect(try await store.replay(ids: nil, now: t0 + 90_000) == 2)
            let replayed = try await store.claimDue(now: t0 + 90_000, limit: 10)
            #expect(replayed.count == 2)
            #expect(replayed.allSatisfy { $0.ageFrom == t0 + 90_000 && $0.createdAt == t0 && $0.message == nil })
        }
    }

    @Test(
        "Retention: dead letters and noise memory after 30 days, delivered rows after 7, orphan messages too",
        arguments: Backend.allCases)
    func retention(_ backend: Backend) async throws {
        let clock = TestClock(start: t0)
        try await backend.withStore(now: { clock.date }) { store in
            try await enqueue(store, ["evt-dead", "evt-done"], group: "g")
            try await store.commit(
                CycleCommit(
                    region: "r", noise: [.notified(rule: "r1", groupKey: "g", at: t0), .failing(key: "cmd-1", true)]))
            let claimed = try await store.claimDue(now: t0, limit: 10)
            _ = try await store.fixMessage(
                ids: claimed.map(\.id), receiver: "ops", key: "grp_y:ops", isDigest: false, now: t0)
            try await store.markDead(ids: [claimed[0].id], error: "no", responseExcerpt: nil)
            try await store.markDelivered(ids: [claimed[1].id], at: t0)

            // After 8 days: only the delivered row goes.
            var result = try await store.prune(SQLiteStore.Retention(), now: t0 + 8 * 86_400)
            #expect(result == SQLiteStore.PruneResult(deliveredRows: 1, events: 1, deadRows: 0, noiseRows: 0))
            // After 31 days: the dead letter, the throttle row and the failing key; then the event and message.
            result = try await store.prune(SQLiteStore.Retention(), now: t0 + 31 * 86_400)
            #expect(result == SQLiteStore.PruneResult(deliveredRows: 0, events: 1, deadRows: 1, noiseRows: 2))
            let memory = try await store.loadNoiseMemory()
            #expect(memory.lastNotified(rule: "r1", groupKey: "g") == nil && !memory.isFailing(key: "cmd-1"))
            #expect(try await store.stats(now: t0).dead == 0)
        }
    }

    @Test("A v1 database upgrades in place: its rows keep their state, age from their creation")
    func upgradeFromV1() async throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let path = directory.url.appendingPathComponent(SQLiteStore.fileName).path
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT INTO event (id, json, created_at) VALUES (?, ?, ?)",
                    arguments: ["evt-old", try Event.encoder.encode(event("evt-old")), t0.unixSeconds])
                try db.execute(
                    sql: """
                        INSERT INTO outbox (event_id, receiver, rule, not_before, state, attempts, next_attempt_at,
                            created_at, updated_at) VALUES ('evt-old', 'ops', 'failures', ?, 'in_flight', 3, ?, ?, ?)
                        """,
                    arguments: [t0.unixSeconds, t0.unixSeconds, t0.unixSeconds, t0.unixSeconds])
                try db.execute(sql: "INSERT INTO failing (key) VALUES ('cmd-1')")
            }
            try queue.close()
        }
        let store = try SQLiteStore(directory: directory.url, configuration: .init(now: { t0 }))
        #expect(try await store.recoverInFlight() == 1)
        let row = try #require(try await store.claimDue(now: t0, limit: 10).first)
        #expect(row.attempts == 3 && row.ageFrom == t0 && row.message == nil)
        #expect(try await store.loadNoiseMemory().isFailing(key: "cmd-1"))
        try store.close()
    }
}
