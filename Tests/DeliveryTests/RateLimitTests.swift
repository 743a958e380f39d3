import Delivery
import Foundation
import Rules
import Testing

@Suite("Token buckets, platform defaults and backlog folding")
struct RateLimitTests {
    let t0 = Fixtures.epoch

    @Test("A 20/min bucket lets a burst of 20 through, then one every 3 s")
    func bucket() {
        var rate = ReceiverRate([RateLimit(count: 20, perSeconds: 60)])
        for _ in 0..<20 { #expect(rate.acquire(now: t0) == 0) }
        #expect(abs(rate.acquire(now: t0) - 3) < 1e-9)
        #expect(abs(rate.acquire(now: t0.addingTimeInterval(1)) - 2) < 1e-9)
        #expect(rate.acquire(now: t0.addingTimeInterval(3)) == 0)
    }

    @Test("Feishu has two buckets: 5/s and 100/min, both must allow")
    func twoBuckets() {
        var rate = ReceiverRate(ReceiverRate.defaults(for: .feishu))
        var sent = 0
        var now = t0
        // Over 30 s of continuous demand, the per-minute bucket caps the total at 100 + 30 · 100/60.
        while now < t0.addingTimeInterval(30) {
            let wait = rate.acquire(now: now)
            if wait == 0 { sent += 1 } else { now = now.addingTimeInterval(wait) }
        }
        #expect((149...151).contains(sent))
        var burst = ReceiverRate(ReceiverRate.defaults(for: .feishu))
        for _ in 0..<5 { #expect(burst.acquire(now: t0) == 0) }
        #expect(burst.acquire(now: t0) > 0)
    }

    @Test(
        "Defaults follow the published quotas",
        arguments: [
            (Platform.wecom, [RateLimit(count: 20, perSeconds: 60)]),
            (.dingtalk, [RateLimit(count: 20, perSeconds: 60)]),
            (.slack, [RateLimit(count: 1, perSeconds: 1)]),
            (.discord, [RateLimit(count: 5, perSeconds: 2)]),
            (.webhook, [RateLimit(count: 10, perSeconds: 1)]),
            (.email, [RateLimit(count: 10, perSeconds: 1)]),
        ])
    func defaults(platform: Platform, limits: [RateLimit]) {
        #expect(ReceiverRate.defaults(for: platform) == limits)
        let configured = Receiver(name: "x", platform: platform, rateLimit: RateLimit(count: 3, perSeconds: 1))
        #expect(ReceiverRate.limits(for: configured) == [RateLimit(count: 3, perSeconds: 1)])
    }

    @Test("A pause after a throttle answer holds every send, and shrinks the allowance")
    func pause() {
        var rate = ReceiverRate([RateLimit(count: 20, perSeconds: 60)])
        rate.pause(until: t0.addingTimeInterval(600))
        #expect(rate.acquire(now: t0) == 600)
        #expect(rate.allowance(now: t0, within: 60) == 1)
        #expect(rate.acquire(now: t0.addingTimeInterval(600)) == 0)
    }

    @Test("Grouping: same receiver, rule and non-empty key become one batch; others stay single")
    func grouping() {
        let rows = [
            Fixtures.row(1, groupKey: "inv-1"), Fixtures.row(2), Fixtures.row(3, groupKey: "inv-1"),
            Fixtures.row(4, rule: "other", groupKey: "inv-1"), Fixtures.row(5, receiver: "mail", groupKey: "inv-1"),
            Fixtures.row(6),
        ]
        let batches = DeliveryBatch.group(rows)
        #expect(batches.map(\.ids) == [[1, 3], [2], [4], [5], [6]])
        #expect(batches[0].idempotencyKey.hasPrefix("grp_"))
        #expect(batches[0].idempotencyKey == DeliveryBatch.group([rows[2], rows[0]])[0].idempotencyKey)
        #expect(batches[1].idempotencyKey == "evt_2:ops")
    }

    @Test("Folding keeps allowance-1 messages and one digest of the rest; no row is lost")
    func folding() {
        let queue = (1...30).map { DeliveryBatch(rows: [Fixtures.row($0)]) }
        let folded = DeliveryBatch.fold(queue, allowance: 20)
        #expect(folded.count == 20)
        #expect(folded.last?.isDigest == true)
        #expect(folded.last?.rows.count == 11)
        #expect(folded.flatMap(\.ids) == (1...30).map(Int64.init))
        #expect(DeliveryBatch.fold(queue, allowance: 100).count == 30)
    }
}
