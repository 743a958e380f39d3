import Delivery
import Foundation
import Rules
import Testing
import Timekeeping

@Suite("Retry schedule")
struct RetryPolicyTests {
    let policy = RetryPolicy()
    let created = Fixtures.epoch

    func next(_ decision: RetryPolicy.Decision) -> Date? {
        if case .retry(let at, _) = decision { return at }
        return nil
    }

    @Test(
        "Backoff ceilings double from 5 s up to the 15 min cap",
        arguments: [(1, 5.0), (2, 10), (3, 20), (4, 40), (5, 80), (8, 640), (9, 900), (12, 900), (500, 900)])
    func ceilings(attempt: Int, seconds: Double) {
        #expect(policy.ceiling(afterAttempt: attempt) == .seconds(seconds))
    }

    @Test("Full jitter: random 0 gives the minimum delay, random ~1 the ceiling; a transient failure counts")
    func jitter() throws {
        #expect(
            policy.decide(attempts: 3, ageFrom: created, now: created, outcome: .transient("x"), random: 0)
                == .retry(at: created.addingTimeInterval(1), countsAttempt: true))
        #expect(
            policy.decide(attempts: 3, ageFrom: created, now: created, outcome: .transient("x"), random: 0.5)
                == .retry(at: created.addingTimeInterval(10), countsAttempt: true))
        let high = try #require(
            next(policy.decide(attempts: 3, ageFrom: created, now: created, outcome: .transient("x"), random: 0.999_999)))
        #expect(abs(high.timeIntervalSince(created) - 20) < 0.001)
    }

    @Test("By default there is no attempt limit: attempt 500 at 23 h still retries; permanent gives up at once")
    func noAttemptLimit() {
        let late = created.addingTimeInterval(23 * 3600)
        #expect(next(policy.decide(attempts: 500, ageFrom: created, now: late, outcome: .transient("x"), random: 0.5)) != nil)
        #expect(
            policy.decide(attempts: 1, ageFrom: created, now: created, outcome: .permanent("x"), random: 0.5)
                == .giveUp(reason: "permanent failure"))
    }

    @Test("The last attempt falls at the age limit; a failure at or after it gives up after 24 h")
    func ageLimit() {
        let late = created.addingTimeInterval(86_400 - 30)
        #expect(
            policy.decide(attempts: 90, ageFrom: created, now: late, outcome: .transient("x"), random: 0.99)
                == .retry(at: created.addingTimeInterval(86_400), countsAttempt: true))
        #expect(
            policy.decide(
                attempts: 91, ageFrom: created, now: created.addingTimeInterval(86_400), outcome: .transient("x"),
                random: 0.5) == .giveUp(reason: "gave up after 24 h (91 attempts)"))
    }

    @Test("A rate limit waits its Retry-After (or the default) without counting an attempt, until the age limit")
    func rateLimited() {
        #expect(
            policy.decide(
                attempts: 0, ageFrom: created, now: created, outcome: .rateLimited(retryAfter: .seconds(600)),
                random: 0.5) == .retry(at: created.addingTimeInterval(600), countsAttempt: false))
        #expect(
            policy.decide(
                attempts: 0, ageFrom: created, now: created, outcome: .rateLimited(retryAfter: nil), random: 0.5,
                rateLimitWait: .seconds(7)) == .retry(at: created.addingTimeInterval(7), countsAttempt: false))
        // Without a named window the wait grows with the delivery's age: a tenth of it, up to the cap.
        let twoHours = created.addingTimeInterval(7200)
        #expect(
            policy.decide(attempts: 0, ageFrom: created, now: twoHours, outcome: .rateLimited(retryAfter: nil), random: 0)
                == .retry(at: twoHours.addingTimeInterval(720), countsAttempt: false))
        let sixHours = created.addingTimeInterval(6 * 3600)
        #expect(
            policy.decide(attempts: 0, ageFrom: created, now: sixHours, outcome: .rateLimited(retryAfter: nil), random: 0)
                == .retry(at: sixHours.addingTimeInterval(900), countsAttempt: false))
        // A strict attempt bound does not apply to rate limits.
        let strict = policy.applying(RetryLimits(maxAttempts: 2))
        #expect(
            strict.decide(
                attempts: 2, ageFrom: created, now: created.addingTimeInterval(6 * 3600),
                outcome: .rateLimited(retryAfter: .seconds(60)), random: 0)
                == .retry(at: created.addingTimeInterval(6 * 3600 + 60), countsAttempt: false))
        #expect(
            policy.decide(
                attempts: 0, ageFrom: created, now: created.addingTimeInterval(86_400),
                outcome: .rateLimited(retryAfter: .seconds(5)), random: 0) == .giveUp(reason: "gave up after 24 h (0 attempts)"))
    }

    @Test("A 503's Retry-After lengthens the backoff")
    func retryAfterOnTransient() {
        #expect(
            policy.decide(
                attempts: 1, ageFrom: created, now: created, outcome: .transient("HTTP 503"), random: 0,
                retryAfter: .seconds(120)) == .retry(at: created.addingTimeInterval(120), countsAttempt: true))
    }

    @Test("Receiver overrides set an attempt bound and the age limit")
    func overrides() {
        let strict = policy.applying(RetryLimits(maxAttempts: 2, maxAgeSeconds: 60))
        #expect(strict.maxAttempts == 2)
        #expect(strict.maxAge == .seconds(60))
        #expect(
            strict.decide(attempts: 2, ageFrom: created, now: created, outcome: .transient("x"), random: 0)
                == .giveUp(reason: "gave up after 2 attempts"))
        #expect(
            strict.decide(
                attempts: 1, ageFrom: created, now: created.addingTimeInterval(59.5), outcome: .transient("x"),
                random: 0.9) == .retry(at: created.addingTimeInterval(60), countsAttempt: true))
    }

    @Test("A full schedule with a seeded random source runs until 24 h, every wait within its ceiling")
    func schedule() {
        var generator = SplitMix(seed: 42)
        var now = created
        var attempts = 1
        var waits: [Double] = []
        while case .retry(let at, _) = policy.decide(
            attempts: attempts, ageFrom: created, now: now, outcome: .transient("x"), random: generator.nextUnit())
        {
            waits.append(at.timeIntervalSince(now))
            attempts += 1
            now = at
        }
        #expect(now == created.addingTimeInterval(86_400))
        #expect(attempts > 100)  // about 24 h / 7.5 min after the ramp
        for (index, wait) in waits.dropLast().enumerated() {
            #expect(wait >= 1 && wait <= policy.ceiling(afterAttempt: index + 1).seconds)
        }
    }

    @Test("The README's retry table is the one the policy generates")
    func readmeTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let begin = "<!-- retry-table: generated by RetryPolicyTests.readmeTable -->\n"
        let end = "\n<!-- /retry-table -->"
        let start = try #require(text.range(of: begin), "README.md lacks the retry-table markers")
        let stop = try #require(text.range(of: end, range: start.upperBound..<text.endIndex))
        let current = String(text[start.upperBound..<stop.lowerBound])
        #expect(current == policy.markdownTable, "README.md's retry table should read:\n\(policy.markdownTable)")
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
