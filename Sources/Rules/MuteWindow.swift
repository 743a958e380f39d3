import Foundation
import Timekeeping

/// A time when a rule stays quiet: any combination of weekdays, times of day and dates (all given
/// must hold), evaluated in an IANA time zone at the evaluation's `now`.
///
/// Weekdays and dates are those of the local instant, so `{"weekdays": ["fri"], "times": ["22:00-07:00"]}`
/// mutes Friday 22:00–24:00 and Friday 00:00–07:00; write `["fri","sat"]` to cover Friday night.
public struct MuteWindow: Sendable, Hashable {
    /// Name shown in explanations (the `name` key, or a summary of the window).
    public var name: String
    /// ISO weekdays, 1 = Monday … 7 = Sunday; `nil` = any day.
    public var weekdays: Set<Int>?
    /// Minute-of-day ranges, `start..<end`; a range with `start > end` crosses midnight. `nil` = all day.
    public var times: [TimeRange]?
    /// Local dates as `yyyymmdd` numbers; `nil` = any date.
    public var dates: Set<Int>?
    /// Time zone the window is read in; default UTC (or the file's `defaults.timeZone`).
    public var timeZone: TimeZone

    /// A range of minutes in a day; `end` may be 1440 (24:00).
    public struct TimeRange: Sendable, Hashable {
        public var start: Int
        public var end: Int

        /// Whether the minute of the day falls in the range (crossing midnight when `start > end`).
        public func contains(_ minute: Int) -> Bool {
            start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        }
    }

    /// Whether `date` falls inside the window.
    public func contains(_ date: Date) -> Bool {
        let local = LocalTime(date, in: timeZone)
        if let weekdays, !weekdays.contains(local.weekday) { return false }
        if let dates, !dates.contains(local.yyyymmdd) { return false }
        if let times, !times.contains(where: { $0.contains(local.minuteOfDay) }) { return false }
        return true
    }
}

/// Calendar fields of an instant in a time zone, computed arithmetically (no `Calendar` on the hot path).
struct LocalTime: Sendable {
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    var weekday: Int
    var minuteOfDay: Int
    var yyyymmdd: Int

    init(_ date: Date, in timeZone: TimeZone) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) + Int64(timeZone.secondsFromGMT(for: date))
        let days = UTCTime.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        minuteOfDay = Int(secondOfDay / 60)
        weekday = Int(((days % 7) + 7 + 3) % 7) + 1
        let (year, month, day) = UTCTime.civil(fromDays: days)
        yyyymmdd = Int(year * 10000 + month * 100 + day)
    }
}

extension MuteWindow {
    /// Weekday names accepted in `weekdays` (and their ISO numbers).
    static let weekdayNames: [String: Int] = [
        "mon": 1, "monday": 1, "tue": 2, "tuesday": 2, "wed": 3, "wednesday": 3, "thu": 4, "thursday": 4,
        "fri": 5, "friday": 5, "sat": 6, "saturday": 6, "sun": 7, "sunday": 7,
    ]

    /// Parses `"mon"`, `"mon-fri"` (ranges wrap: `"fri-mon"`) into ISO weekdays.
    static func parseWeekdays(_ text: String) -> Set<Int>? {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        let parts = lower.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, let day = weekdayNames[lower] { return [day] }
        guard parts.count == 2, let first = weekdayNames[parts[0]], let last = weekdayNames[parts[1]] else {
            return nil
        }
        var days: Set<Int> = [first]
        var day = first
        while day != last {
            day = day % 7 + 1
            days.insert(day)
        }
        return days
    }

    /// Parses `"22:00-07:00"` (end `24:00` allowed; start and end must differ).
    static func parseTimeRange(_ text: String) -> TimeRange? {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = minute(parts[0]), let end = minute(parts[1]), start != end, start < 1440
        else { return nil }
        return TimeRange(start: start, end: end)
    }

    private static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0..<60).contains(minute), hour < 24 || minute == 0
        else { return nil }
        return hour * 60 + minute
    }

    /// Parses `"2026-12-25"` into `20261225`, checking the day exists.
    static func parseDate(_ text: String) -> Int? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
            (1...12).contains(month), (1...31).contains(day),
            // The day exists when the calendar gives it back (2026-02-30 comes back as 2026-03-02).
            UTCTime.civil(fromDays: UTCTime.days(year: year, month: month, day: day)) == (year, month, day)
        else { return nil }
        return Int(year * 10000 + month * 100 + day)
    }
}
