import Delivery
import Foundation
import Rules
import Testing

@Suite("Retry schedule")
struct RetryPolicyTests {
    let policy = RetryPolicy()
    let created = Fixtures.epoch

    @Test(
        "Backoff ceilings double from 5 s up to the 15 min cap",
        arguments: [(1, 5.0), (2, 10), (3, 20), (4, 40), (5, 80), (8, 640), (9, 900), (12, 900)])
    func ceilings(attempt: Int, seconds: Double) {
        #expect(policy.ceiling(afterAttempt: attempt) == .seconds(seconds))
    }

    @Test("Full jitter: random 0 gives the minimum delay, random ~1 the ceiling")
    func jitter() throws {
        let low = try #require(policy.nextAttempt(attempts: 3, firstCreated: created, now: created,
            outcome: .transient("x"), random: 0))
        #expect(low == created.addingTimeInterval(1))
        let half = try #require(policy.nextAttempt(attempts: 3, firstCreated: created, now: created,
            outcome: .transient("x"), random: 0.5))
        #expect(half == created.addingTimeInterval(10))
        let high = try #require(policy.nextAttempt(attempts: 3, firstCreated: created, now: created,
            outcome: .transient("x"), random: 0.999_999))
        #expect(abs(high.timeIntervalSince(created) - 20) < 0.001)
    }

    @Test("Transient failures stop at 12 attempts; permanent ones at once")
    func attemptLimit() {
        #expect(policy.nextAttempt(attempts: 11, firstCreated: created, now: created, outcome: .transient("x"),
            random: 0.5) != nil)
        #expect(policy.nextAttempt(attempts: 12, firstCreated: created, now: created, outcome: .transient("x"),
            random: 0.5) == nil)
        #expect(policy.nextAttempt(attempts: 1, firstCreated: created, now: created, outcome: .permanent("x"),
            random: 0.5) == nil)
    }

    @Test("Nothing is retried past 24 h of age")
    func ageLimit() {
        let late = created.addingTimeInterval(86_400 - 30)
        #expect(policy.nextAttempt(attempts: 2, firstCreated: created, now: late, outcome: .transient("x"),
            random: 0) != nil)
        #expect(policy.nextAttempt(attempts: 5, firstCreated: created, now: late, outcome: .transient("x"),
            random: 0.99) == nil)
    }

    @Test("Rate limits wait max(Retry-After, backoff) and get a larger attempt budget")
    func rateLimited() throws {
        let waited = try #require(policy.nextAttempt(attempts: 1, firstCreated: created, now: created,
            outcome: .rateLimited(retryAfter: .seconds(600)), random: 0.5))
        #expect(waited == created.addingTimeInterval(600))
        let backoffWins = try #require(policy.nextAttempt(attempts: 6, firstCreated: created, now: created,
            outcome: .rateLimited(retryAfter: .seconds(1)), random: 0.5))
        #expect(backoffWins == created.addingTimeInterval(80))
        #expect(policy.nextAttempt(attempts: 30, firstCreated: created, now: created,
            outcome: .rateLimited(retryAfter: .seconds(5)), random: 0) != nil)
        #expect(policy.nextAttempt(attempts: 100, firstCreated: created, now: created,
            outcome: .rateLimited(retryAfter: .seconds(5)), random: 0) == nil)
    }

    @Test("Receiver overrides replace the attempt and age bounds")
    func overrides() {
        let strict = policy.applying(RetryLimits(maxAttempts: 2, maxAgeSeconds: 60))
        #expect(strict.maxAttempts == 2)
        #expect(strict.maxAge == .seconds(60))
        #expect(strict.nextAttempt(attempts: 2, firstCreated: created, now: created, outcome: .transient("x"),
            random: 0) == nil)
        #expect(strict.nextAttempt(attempts: 1, firstCreated: created, now: created.addingTimeInterval(59.5),
            outcome: .transient("x"), random: 0) == nil)
    }

    @Test("A full schedule with a seeded random source is reproducible and bounded")
    func schedule() {
        var generator = SplitMix(seed: 42)
        var now = created
        var attempts = 0
        var waits: [Double] = []
        while let next = policy.nextAttempt(attempts: attempts + 1, firstCreated: created, now: now,
            outcome: .transient("x"), random: generator.nextUnit())
        {
            attempts += 1
            waits.append(next.timeIntervalSince(now))
            now = next
        }
        #expect(attempts == 11)  // 11 retries after the first attempt: 12 attempts in all
        for (index, wait) in waits.enumerated() {
            #expect(wait >= 1 && wait <= policy.ceiling(afterAttempt: index + 1).seconds)
        }
    }
}

/// A tiny deterministic generator for schedules.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, atto) = components
        return Double(whole) + Double(atto) / 1e18
    }
}
