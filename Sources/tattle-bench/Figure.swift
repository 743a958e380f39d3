import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One measured figure, printed next to its baseline from the same run and its target.
struct Figure: Codable, Sendable {
    /// What was measured, e.g. "DescribeInvocations calls per steady cycle".
    var name: String
    /// The measured value.
    var value: Double
    var unit: String
    /// The baseline measured in the same run (naive poller, raw libcurl…), if the figure has one.
    var baseline: Double?
    var baselineName: String?
    /// Human-readable target, e.g. "≤ 2".
    var target: String
    /// Whether the target is met.
    var met: Bool
    /// A note printed under the table (why a target is missed, what the figure includes).
    var note: String?
}

/// A group of figures from one scenario.
struct ScenarioResult: Codable, Sendable {
    var scenario: String
    var figures: [Figure]
    var seconds: Double
}

/// Formats results as the table the README quotes.
enum Report {
    static func table(_ results: [ScenarioResult]) -> String {
        var rows: [[String]] = [["scenario", "figure", "value", "baseline (same run)", "target", "met"]]
        for result in results {
            for figure in result.figures {
                let baseline = figure.baseline.map { "\(format($0)) \(figure.unit) (\(figure.baselineName ?? "baseline"))" } ?? "—"
                rows.append([
                    result.scenario, figure.name, "\(format(figure.value)) \(figure.unit)", baseline, figure.target,
                    figure.met ? "yes" : "NO",
                ])
            }
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ")
        }
        lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-"), at: 1)
        let notes = results.flatMap(\.figures).compactMap { figure in figure.note.map { "- \(figure.name): \($0)" } }
        return (lines + (notes.isEmpty ? [] : ["", "notes:"] + notes)).joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        if abs(value) >= 100 { return String(format: "%.0f", value) }
        if abs(value) >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }
}

/// Percentiles of a sample (nearest rank).
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[max(0, min(sorted.count - 1, rank))]
}

/// Resident set size of this process in megabytes (VmRSS from /proc).
func residentMegabytes() -> Double { statusMegabytes("VmRSS:") }

/// One `/proc/self/status` memory line in megabytes (`VmRSS:`, `RssAnon:`, `RssFile:`…).
func statusMegabytes(_ field: String) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix(field) {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
    return 0
}

/// CPU time of the calling thread (the figure least disturbed by other processes on a shared box).
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// CPU time (user + system) of the whole process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
