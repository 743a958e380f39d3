import TestSupport
import Testing
import Timekeeping

@testable import TencentCloud

/// The token bucket with explicit time, and the per-action limiter on a recording clock.
@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a full bucket allows a burst of its capacity, then spaces calls by 1/rate")
    func burstThenSpacing() {
        var bucket = TokenBucket(rate: 20)
        for _ in 0..<20 { #expect(bucket.reserve(at: .zero) == .zero) }
        #expect(bucket.reserve(at: .zero) == .milliseconds(50))
        #expect(bucket.reserve(at: .zero) == .milliseconds(100))
    }

    @Test("tokens refill with time, never above capacity")
    func refill() {
        var bucket = TokenBucket(rate: 10, capacity: 5)
        for _ in 0..<5 { _ = bucket.reserve(at: .zero) }
        #expect(bucket.available(at: .zero) == 0)
        #expect(abs(bucket.available(at: .milliseconds(300)) - 3) < 1e-9)
        #expect(bucket.available(at: .seconds(60)) == 5)
        #expect(bucket.reserve(at: .seconds(60)) == .zero)
    }

    @Test("time going backwards does not mint tokens")
    func monotonic() {
        var bucket = TokenBucket(rate: 1, capacity: 1)
        #expect(bucket.reserve(at: .seconds(10)) == .zero)
        #expect(bucket.reserve(at: .seconds(5)) == .seconds(1))
    }

    @Test("the limiter keeps one bucket per action and waits on the injected clock")
    func perAction() async throws {
        let clock = TestClock()
        let limiter = RateLimiter(requestsPerSecond: 2, clock: clock)
        #expect(limiter.burst == 2)
        try await limiter.acquire("DescribeInvocations")
        try await limiter.acquire("DescribeInvocations")
        try await limiter.acquire("DescribeInvocationTasks")
        #expect(clock.sleeps.isEmpty)
        try await limiter.acquire("DescribeInvocations")
        #expect(clock.sleeps == [.milliseconds(500)])
        try await limiter.acquire("DescribeInvocations")
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)])
        try await limiter.acquire("DescribeInvocationTasks")
        #expect(clock.sleeps.count == 2)
    }

    @Test("the default is 18 requests/s, bursts of 18")
    func defaults() {
        let limiter = RateLimiter()
        #expect(limiter.requestsPerSecond == 18)
        #expect(limiter.burst == 18)
    }

    @Test("a cancelled waiter throws CancellationError")
    func cancelled() async {
        let clock = TestClock()
        let limiter = RateLimiter(requestsPerSecond: 1, clock: clock)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await limiter.acquire("A")
            try await limiter.acquire("A")
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
