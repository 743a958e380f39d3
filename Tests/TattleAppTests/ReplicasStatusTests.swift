import Coordination
import Foundation
import Store
import Testing

@testable import TattleApp

@Suite("Replicas on the status page and /readyz")
struct ReplicasStatusTests {
    static let now = Date(timeIntervalSince1970: 1_764_400_000)

    static func ownership(renewed: Date? = now, problem: String? = nil) -> Ownership {
        let expiry = now.addingTimeInterval(12)
        let mine = Lease(kind: .unit, name: "prod/ap-guangzhou", holder: "host-a-1-abc", term: 3, expiresAt: expiry)
        let lane = Lease(kind: .lane, name: "ops<1>", holder: "host-a-1-abc", term: 1, expiresAt: expiry)
        let theirs = Lease(kind: .unit, name: "prod/ap-shanghai", holder: "host-b-7-xyz", term: 5, expiresAt: expiry)
        return Ownership(
            replica: "host-a-1-abc", units: [mine.name: mine], lanes: [lane.name: lane],
            replicas: [
                Replica(id: "host-a-1-abc", startedAt: now.addingTimeInterval(-600), expiresAt: expiry),
                Replica(id: "host-b-7-xyz", startedAt: now.addingTimeInterval(-60), expiresAt: expiry),
            ],
            leases: [mine, lane, theirs], renewedAt: renewed, problem: problem)
    }

    static func report(_ ownership: Ownership?) -> StatusReport {
        StatusReport(
            generatedAt: now, regions: [], ownership: ownership, receivers: [], stateColumns: [], events: [],
            deadLetters: [], silences: [],
            reload: .init(
                outcome: "applied", trigger: "start", attemptedAt: now, loadedAt: now, ruleCount: 1, receiverCount: 1,
                lastError: nil),
            rulesFile: "rules.json", adminEnabled: false)
    }

    @Test("every live replica with its units and lanes and their terms, this one marked, names escaped")
    func replicasSection() {
        let html = StatusPage.render(Self.report(Self.ownership()), nonce: "n")
        let section = StatusPageTests.section(html, id: "replicas")
        #expect(section.contains("<code>host-a-1-abc</code> <span class=\"ok\">this replica</span>"))
        #expect(section.contains("prod/ap-guangzhou <span class=\"muted\">term 3</span>"))
        #expect(section.contains("ops&lt;1&gt; <span class=\"muted\">term 1</span>"))
        #expect(section.contains("prod/ap-shanghai <span class=\"muted\">term 5</span>"))
        #expect(!section.contains("<code>host-b-7-xyz</code> <span class=\"ok\">"))
    }

    @Test("a single process shows no replicas section")
    func singleProcess() {
        #expect(!StatusPage.render(Self.report(nil), nonce: "n").contains("id=\"replicas\""))
    }

    @Test("readiness: leases renewed within the TTL pass and say what is owned; a failing renewal fails")
    func readiness() async {
        let fine = Readiness(
            pollInterval: 10, databaseWritable: { true }, ownership: { Self.ownership() }, leaseTTL: 15)
        let leases = await fine.check(now: Self.now.addingTimeInterval(2)).first { $0.name == "leases" }
        #expect(leases?.ok == true)
        #expect(leases?.detail.contains("owns 1 units (prod/ap-guangzhou) and 1 lanes (ops<1>) of 2 live replicas") == true)

        let failing = Readiness(
            pollInterval: 10, databaseWritable: { true },
            ownership: { Ownership(replica: "host-a-1-abc", problem: "connection refused") }, leaseTTL: 15)
        let checks = await failing.check(now: Self.now)
        #expect(checks.first { $0.name == "leases" }?.ok == false)
        #expect(checks.first { $0.name == "leases" }?.detail.contains("connection refused") == true)

        let stale = Readiness(
            pollInterval: 10, databaseWritable: { true }, ownership: { Self.ownership() }, leaseTTL: 15)
        #expect(await stale.check(now: Self.now.addingTimeInterval(16)).first { $0.name == "leases" }?.ok == false)
    }

    @Test("readiness: a replica that owns no unit passes the poll check")
    func noUnits() async {
        var owning = Self.ownership()
        owning.units = [:]
        let ownership = owning
        let readiness = Readiness(pollInterval: 10, databaseWritable: { true }, ownership: { ownership }, leaseTTL: 15)
        let poll = await readiness.check(now: Self.now).first { $0.name == "poll" }
        #expect(poll?.ok == true)
    }
}
