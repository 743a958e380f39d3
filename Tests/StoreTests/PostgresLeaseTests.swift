import Events
import Foundation
import Outbox
import PostgresNIO
import PostgresStore
import Store
import TestSupport
import Testing

/// The lease rows and the fence of the PostgreSQL store (the SQLite store is single-writer and has neither).
@Suite("PostgreSQL leases, fencing and migrations")
struct PostgresLeaseTests {
    @Test(
        "A lease is taken when free (term 1), renewed by its holder at the same term, refused to others until it lapses"
    )
    func takeRenewLapse() async throws {
        try await PostgresServer.shared().withStore { store in
            let first = try #require(
                try await store.acquire(.unit, name: "ap-guangzhou", holder: "a", now: t0, ttl: 15))
            #expect(first.term == 1 && first.holder == "a" && first.expiresAt == t0 + 15)
            let renewed = try #require(
                try await store.acquire(.unit, name: "ap-guangzhou", holder: "a", now: t0 + 5, ttl: 15))
            #expect(renewed.term == 1 && renewed.expiresAt == t0 + 20)
            #expect(try await store.acquire(.unit, name: "ap-guangzhou", holder: "b", now: t0 + 19, ttl: 15) == nil)
            // Lapsed: another replica takes it over, one term higher.
            let taken = try #require(
                try await store.acquire(.unit, name: "ap-guangzhou", holder: "b", now: t0 + 20, ttl: 15))
            #expect(taken.term == 2 && taken.holder == "b")
            #expect(try await store.acquire(.unit, name: "ap-guangzhou", holder: "a", now: t0 + 21, ttl: 15) == nil)
            // The same name of the other kind is a lease of its own.
            #expect(try await store.acquire(.lane, name: "ap-guangzhou", holder: "a", now: t0 + 21, ttl: 15)?.term == 1)
            #expect(
                try await store.leases(now: t0 + 21).map { "\($0.kind):\($0.holder):\($0.term)" } == [
                    "lane:a:1", "unit:b:2",
                ])
            #expect(try await store.leases(now: t0 + 40).isEmpty)
        }
    }

    @Test("Release frees a lease at once and only at its term; the next holder's term is higher still")
    func release() async throws {
        try await PostgresServer.shared().withStore { store in
            let lease = try #require(try await store.acquire(.lane, name: "ops", holder: "a", now: t0, ttl: 60))
            try await store.release(Lease(kind: .lane, name: "ops", holder: "a", term: 7, expiresAt: t0 + 60))
            #expect(try await store.acquire(.lane, name: "ops", holder: "b", now: t0 + 1, ttl: 60) == nil)
            try await store.release(lease)
            #expect(try await store.leases(now: t0 + 1).isEmpty)
            #expect(try await store.acquire(.lane, name: "ops", holder: "b", now: t0 + 1, ttl: 60)?.term == 2)
            try await store.release(try #require(try await store.leases(now: t0 + 1).first))
            // Its old holder coming back after a release takes a new term too.
            #expect(try await store.acquire(.lane, name: "ops", holder: "b", now: t0 + 2, ttl: 60)?.term == 3)
        }
    }

    @Test("Heartbeats list the live replicas; a lapsed one is forgotten; resigning releases every lease at once")
    func heartbeatsAndResign() async throws {
        try await PostgresServer.shared().withStore { store in
            _ = try await store.heartbeat(replica: "b", now: t0, ttl: 15)
            let live = try await store.heartbeat(replica: "a", now: t0 + 1, ttl: 15)
            #expect(live.map(\.id) == ["a", "b"])
            #expect(live.first?.startedAt == t0 + 1 && live.first?.expiresAt == t0 + 16)
            // b stops heartbeating; a renews and keeps its start time.
            let later = try await store.heartbeat(replica: "a", now: t0 + 16, ttl: 15)
            #expect(later.map(\.id) == ["a"] && later.first?.startedAt == t0 + 1)

            _ = try await store.acquire(.unit, name: "r1", holder: "a", now: t0 + 16, ttl: 60)
            _ = try await store.acquire(.lane, name: "ops", holder: "a", now: t0 + 16, ttl: 60)
            _ = try await store.acquire(.unit, name: "r2", holder: "c", now: t0 + 16, ttl: 60)
            try await store.resign(replica: "a")
            #expect(try await store.leases(now: t0 + 17).map(\.name) == ["r2"])
            #expect(try await store.heartbeat(replica: "c", now: t0 + 17, ttl: 15).map(\.id) == ["c"])
            #expect(try await store.acquire(.unit, name: "r1", holder: "c", now: t0 + 17, ttl: 60)?.term == 2)
        }
    }

    @Test(
        "A commit under a lease lands while the lease is held; a deposed holder's late commit is fenced and writes nothing"
    )
    func fencedCommit() async throws {
        try await PostgresServer.shared().withStore { store in
            let old = try #require(try await store.acquire(.unit, name: "ap-guangzhou", holder: "a", now: t0, ttl: 15))
            try await store.commit(
                CycleCommit(region: "ap-guangzhou", upserts: [invocation("inv-1")], markBaselined: true, fence: old))
            // a pauses past its lease; b takes the unit over and commits.
            let new = try #require(
                try await store.acquire(.unit, name: "ap-guangzhou", holder: "b", now: t0 + 16, ttl: 15))
            try await store.commit(
                CycleCommit(region: "ap-guangzhou", upserts: [invocation("inv-2")], fence: new))
            // a wakes and commits what it polled before: refused, nothing of it stored.
            let late = CycleCommit(
                region: "ap-guangzhou", upserts: [invocation("inv-1", status: "FAILED")], events: [event("evt-late")],
                dispatches: [dispatch("evt-late")], noise: [.failing(key: "cmd", true)], fence: old)
            await #expect {
                try await store.commit(late)
            } throws: { error in
                (error as? StoreError)?.isFenced == true
            }
            #expect(
                try await store.loadSnapshot(region: "ap-guangzhou")?.map(\.status.rawValue).sorted() == [
                    "RUNNING", "RUNNING",
                ])
            #expect(try await store.rows(in: Set(DeliveryState.allCases), limit: 10).isEmpty)
            #expect(try await store.loadNoiseMemory() == InMemoryNoiseMemory())
            // A lease that was never taken fences too.
            let never = Lease(kind: .unit, name: "ap-shanghai", holder: "a", term: 1, expiresAt: t0 + 60)
            await #expect(throws: StoreError.self) {
                try await store.commit(CycleCommit(region: "ap-shanghai", fence: never))
            }
        }
    }

    @Test("A takeover waits for a commit in progress under the old term, and that commit's successor is fenced")
    func takeoverSerialisesWithCommit() async throws {
        try await PostgresServer.shared().withStore { store in
            let old = try #require(try await store.acquire(.unit, name: "u", holder: "a", now: t0, ttl: 15))
            // Many commits and a takeover race; every commit either landed before the takeover or was fenced.
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        do {
                            try await store.commit(
                                CycleCommit(region: "u", events: [event("evt-\(index)")], fence: old))
                            return (index, true)
                        } catch let error as StoreError where error.isFenced {
                            return (index, false)
                        }
                    }
                }
                group.addTask {
                    _ = try await store.acquire(.unit, name: "u", holder: "b", now: t0 + 16, ttl: 15)
                    return (-1, true)
                }
                return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            let landed = Set(outcomes.filter { $0.key >= 0 && $0.value }.map { "evt-\($0.key)" })
            #expect(Set(try await store.recentEvents(limit: 100).map(\.event.id)) == landed)
            #expect(try await store.leases(now: t0 + 16).map(\.holder) == ["b"])
            // Once the takeover committed, the old term never lands again.
            await #expect(throws: StoreError.self) {
                try await store.commit(CycleCommit(region: "u", events: [event("evt-after")], fence: old))
            }
        }
    }

    @Test("Rows claimed by one replica are not settled by another; SKIP LOCKED keeps concurrent claims apart")
    func twoClaimers() async throws {
        try await PostgresServer.shared().withStore { store in
            let other = store.withClaimer("replica-b")
            try await enqueue(store, (0..<40).map { "evt-\($0)" })
            async let mine = store.claimDue(now: t0, limit: 25)
            async let theirs = other.claimDue(now: t0, limit: 25)
            let (a, b) = try await (mine, theirs)
            #expect(a.count + b.count == 40 && Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
            // b cannot mark a's rows delivered while a's lease holds.
            try await other.markDelivered(ids: a.map(\.id), at: t0)
            #expect(try await store.stats(now: t0).delivered == 0)
            try await store.markDelivered(ids: a.map(\.id), at: t0)
            #expect(try await store.stats(now: t0).delivered == a.count)
        }
    }

    @Test("Migrations are named, recorded once, and a database a newer Tattle migrated is refused")
    func migrations() async throws {
        try await PostgresServer.shared().withStore { store in
            #expect(try await store.appliedMigrations() == ["v1", "v1-leases"])
            #expect(try await store.migrate().isEmpty)
            try await store.commit(CycleCommit(region: "r", upserts: [invocation("inv-1")], markBaselined: true))
            #expect(try await store.migrate().isEmpty)
            #expect(try await store.loadSnapshot(region: "r") == [invocation("inv-1")])
            try await store.client.query("INSERT INTO schema_migrations (name, applied_at) VALUES ('v99-future', 0)")
            await #expect {
                try await store.migrate()
            } throws: { error in
                (error as? StoreError)?.isNewerSchema == true
            }
        }
    }

    @Test("An unreachable server is reported as unavailable (retryable), with no password in the message")
    func unreachable() async throws {
        let port = try FreePort.pick()
        let address = try PostgresAddress(url: "postgres://tattle:s3cret-pw@127.0.0.1:\(port)/tattle?sslmode=disable")
        let store = PostgresStore(
            address: address, configuration: .init(operationTimeout: .seconds(1)), logger: PostgresServer.quietLogger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            let problem = await store.healthProblem()
            #expect(problem?.contains("unavailable") == true)
            #expect(problem?.contains("s3cret-pw") == false)
            await #expect {
                _ = try await store.loadSnapshot(region: "r")
            } throws: { error in
                (error as? StoreError)?.isRetryable == true && !"\(error)".contains("s3cret-pw")
            }
        }
        #expect(address.description == "postgres://tattle@127.0.0.1:\(port)/tattle?sslmode=disable")
    }
}
