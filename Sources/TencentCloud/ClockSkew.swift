import Foundation
import Logging
import Synchronization
import Timekeeping

/// The distance between the API servers' clock and the local one, learnt from the `Date` header of
/// every response. A host clock off by more than 5 minutes makes every signed call fail with
/// `AuthFailure.SignatureExpire`; once the distance passes ``threshold`` the client signs with the
/// corrected time (local time + ``correction``) and warns, so a skewed host keeps polling.
public final class ClockSkew: Sendable {
    /// Offsets up to this many seconds are left alone (the header has 1 s resolution and latency). 60.
    public static let threshold = 60.0

    private let state = Mutex<(measured: Double, correction: Double)>((0, 0))

    /// Creates a tracker that has measured nothing yet (no correction).
    public init() {}

    /// Server time minus local time at the last response with a readable `Date`, in seconds; 0 before.
    public var measured: Double { state.withLock { $0.measured } }

    /// What is added to the local clock before signing: the measured offset when it exceeds
    /// ``threshold``, else 0.
    public var correction: Double { state.withLock { $0.correction } }

    /// Takes in one response's `Date` header, received at `localNow`. Returns whether the correction
    /// changed (a request just refused as expired is then worth signing again).
    @discardableResult
    public func observe(dateHeader: String?, localNow: Date, logger: Logger) -> Bool {
        guard let dateHeader, let server = Self.parseHTTPDate(dateHeader) else { return false }
        let offset = server.timeIntervalSince(localNow)
        let (before, after) = state.withLock { state -> (Double, Double) in
            let before = state.correction
            state.measured = offset
            // Re-learn only on a real move, so the 1 s resolution of the header does not flap it.
            if abs(offset) <= Self.threshold {
                state.correction = 0
            } else if before == 0 || abs(offset - before) > 5 {
                state.correction = offset.rounded()
            }
            return (before, state.correction)
        }
        guard before != after else { return false }
        if after == 0 {
            logger.notice("local clock back in step with the API servers; signing with local time")
        } else {
            logger.warning(
                "local clock is off from the API servers' Date header; signing with the corrected time",
                metadata: ["offset_seconds": "\(Int(after))"])
        }
        return true
    }

    /// Parses the IMF-fixdate form of HTTP `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`); nil otherwise.
    static func parseHTTPDate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let year = Int(parts[3]),
            let month = months.firstIndex(of: String(parts[2])).map({ $0 + 1 })
        else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
            (0...60).contains(clock[2])
        else { return nil }
        let days = Int(UTCTime.days(year: Int64(year), month: Int64(month), day: Int64(day)))
        let seconds = days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        return Date(timeIntervalSince1970: Double(seconds))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
