import Foundation
import Synchronization
import Timekeeping

/// The one test clock: its sleeps return at once, move its time forward and are recorded, so retry,
/// rate-limit and run-loop tests never wait for real and can assert the waits exactly.
///
/// With `stopAfter`, the sleep that makes that many throws `CancellationError`, ending a run loop the
/// way a cancelled task would. ``date`` is the wall time matching the clock, from `start`.
public final class TestClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    /// A point on the clock: an offset from its start.
    public struct Instant: InstantProtocol {
        /// Time since the clock's start.
        public var offset: Swift.Duration
        public func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Swift.Duration, sleeps: [Swift.Duration])>((.zero, []))
    /// The wall time at offset zero. Default 2027-01-15T08:00:00Z (1,800,000,000 s after 1970).
    public let start: Date
    /// Sleeps after which a sleep throws `CancellationError`; `nil` (default) never.
    public let stopAfter: Int?

    /// A clock at offset zero, its wall time at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_800_000_000), stopAfter: Int? = nil) {
        self.start = start
        self.stopAfter = stopAfter
    }

    public var now: Instant { Instant(offset: state.withLock { $0.now }) }
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    /// Every duration slept, in order (a deadline already past counts as zero).
    public var sleeps: [Swift.Duration] { state.withLock { $0.sleeps } }

    /// The wall time matching the clock.
    public var date: Date { start.addingTimeInterval(state.withLock { $0.now }.seconds) }

    /// ``date`` as a `now` source, for code that reads the wall time through a closure.
    public var dateSource: @Sendable () -> Date { { [self] in date } }

    /// Moves time forward without a sleep.
    public func advance(by duration: Swift.Duration) { state.withLock { $0.now += duration } }

    /// Moves time forward to the wall time `date`, without a sleep (never back: an earlier `date`
    /// leaves the clock where it is).
    public func advance(to date: Date) {
        let offset = Swift.Duration.seconds(date.timeIntervalSince(start))
        state.withLock { $0.now = max($0.now, offset) }
    }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        try Task.checkCancellation()
        let count = state.withLock { state in
            state.sleeps.append(max(deadline.offset - state.now, .zero))
            state.now = max(state.now, deadline.offset)
            return state.sleeps.count
        }
        if let stopAfter, count >= stopAfter { throw CancellationError() }
        await Task.yield()
    }
}
