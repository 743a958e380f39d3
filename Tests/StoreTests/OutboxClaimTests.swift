import Foundation
import Outbox
import Store
import Testing

/// The part of a claim both stores share: which companions a due row brings, each row once, the
/// result in flight.
@Suite("Outbox claim assembly")
struct OutboxClaimTests {
    static func row(
        _ id: Int64, group: String = "", state: DeliveryState = .pending, attempts: Int = 0, message: Int64? = nil
    ) -> StoredOutboxRow {
        StoredOutboxRow(
            id: id, dispatch: dispatch("evt-\(id)", group: group), state: state.rawValue, attempts: attempts,
            nextAttemptAt: t0.unixSeconds, createdAt: t0.unixSeconds, lastError: nil, responseExcerpt: nil,
            json: Data(), ageFrom: nil, message: message.map { MessageRef(id: $0, key: "k-\($0)", isDigest: false) },
            claimedUntil: nil, silenceId: nil, sentPayload: nil)
    }

    @Test(
        "A due row brings its stored message, or its group while pending and unattempted, or nothing",
        arguments: [
            (row(1), nil),
            (row(2, message: 7), .message(id: 7)),
            (row(3, group: "cmd-1", message: 7), .message(id: 7)),
            (row(4, group: "cmd-1"), .group(receiver: "ops", rule: "failures", groupKey: "cmd-1")),
            (row(5, group: "cmd-1", attempts: 1), nil),
            (row(6, group: "cmd-1", state: .inFlight), nil),
        ] as [(StoredOutboxRow, OutboxClaim.Companions?)])
    func companions(row: StoredOutboxRow, expected: OutboxClaim.Companions?) {
        #expect(OutboxClaim.companions(of: row) == expected)
    }

    @Test("Nothing is claimed without a limit or a lane; every receiver without a lane filter")
    func request() throws {
        #expect(OutboxClaim(now: t0, limit: 0, leaseUntil: t0, receivers: nil, claimer: "a", stamp: t0) == nil)
        #expect(OutboxClaim(now: t0, limit: 5, leaseUntil: t0, receivers: [], claimer: "a", stamp: t0) == nil)
        let all = try #require(
            OutboxClaim(now: t0, limit: 5, leaseUntil: t0 + 60, receivers: nil, claimer: "a", stamp: t0))
        #expect(all.receivers == nil && all.leaseUntil == (t0 + 60).unixSeconds)
        let some = try #require(
            OutboxClaim(now: t0, limit: 5, leaseUntil: t0, receivers: ["ops", "mail"], claimer: "a", stamp: t0))
        #expect(some.receivers == ["mail", "ops"])
    }

    @Test("Each row is claimed once, in claim order, and comes back in flight until the lease end")
    func assembly() throws {
        var claim = try #require(
            OutboxClaim(now: t0, limit: 5, leaseUntil: t0 + 60, receivers: nil, claimer: "a", stamp: t0))
        claim.add(Self.row(1, group: "g"), companions: [Self.row(1, group: "g"), Self.row(3, group: "g")])
        #expect(claim.contains(Self.row(3)))
        claim.add(Self.row(2), companions: [Self.row(3, group: "g")])
        #expect(claim.rows.map(\.id) == [1, 3, 2])
        #expect(claim.inFlight.map(\.state) == Array(repeating: DeliveryState.inFlight.rawValue, count: 3))
        #expect(claim.inFlight.allSatisfy { $0.claimedUntil == (t0 + 60).unixSeconds })
    }
}
