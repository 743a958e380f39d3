import Foundation
import Timekeeping

/// The simulated time the fleet lives in.
///
/// In `.manual` mode time stands still until a test calls `TATSimulator.advance(by:)`. In
/// `.realTime(speed:)` mode simulated time follows the wall clock, multiplied by `speed` (the demo runs at
/// 1, a quick demo at 10); `advance(by:)` still jumps ahead on top of that. Simulated time starts at
/// `origin`, a calendar date, so the times the API reports look like real ones.
public struct FleetClock: Sendable {
    /// How simulated time moves.
    public enum Mode: Sendable, Hashable {
        /// Time moves only through `advance(by:)`.
        case manual
        /// Time follows the monotonic clock, `speed` simulated seconds per real second.
        case realTime(speed: Double)
    }

    /// How simulated time moves.
    public let mode: Mode
    /// The simulated date at the start.
    public let origin: Date
    private let startInstant: ContinuousClock.Instant
    private var skipped: Duration = .zero

    /// Creates a clock starting at `origin` (default: now, rounded down to the second).
    public init(mode: Mode, origin: Date? = nil) {
        self.mode = mode
        self.origin = origin ?? Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        self.startInstant = ContinuousClock.now
    }

    /// Simulated time elapsed since `origin`.
    public var elapsed: Duration {
        switch mode {
        case .manual:
            return skipped
        case .realTime(let speed):
            return (ContinuousClock.now - startInstant) * speed + skipped
        }
    }

    /// The current simulated date.
    public var now: Date { date(at: elapsed) }

    /// The simulated date `offset` after `origin`.
    public func date(at offset: Duration) -> Date {
        origin.addingTimeInterval(offset.seconds)
    }

    /// Moves simulated time forward by `duration` (negative durations are ignored).
    public mutating func advance(by duration: Duration) {
        guard duration > .zero else { return }
        skipped += duration
    }
}
