import Foundation

/// Calendar arithmetic on the proleptic Gregorian calendar in UTC, without `Calendar`, `DateFormatter`
/// or the process time zone, so the signer and the timestamp coder give the same answer everywhere.
public enum UTCTime {
    /// The civil date (year, month 1…12, day 1…31) of a count of days since 1970-01-01.
    /// Howard Hinnant's `civil_from_days`.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// The count of days since 1970-01-01 of a civil date. Howard Hinnant's `days_from_civil`.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `yyyy-MM-dd` of a Unix timestamp in UTC, as TC3 signing needs it for the credential scope.
    public static func dateString(unixSeconds: Int64) -> String {
        let days = floorDiv(unixSeconds, 86_400)
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `yyyy-MM-dd'T'HH:mm:ss'+00:00'` of a Unix timestamp (fractions dropped), as the TAT API writes times.
    public static func dateTimeString(unixSeconds: Int64) -> String {
        let days = floorDiv(unixSeconds, 86_400)
        let secs = unixSeconds - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs % 3600 / 60, 2)):"
            + "\(pad(secs % 60, 2))+00:00"
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
