import Foundation
import Logging
import TattleApp
import Timekeeping

/// Release-built benchmarks. `tattle-bench [scenario…]` runs the named scenarios (or all of them),
/// prints ONE table (every figure next to a baseline measured in the same run, its target and
/// whether it is met) and writes `bench-results.json`.
///
/// `tattle-bench --child NAME` is internal: the memory scenario re-runs this executable so its
/// resident-memory figures are not polluted by the other scenarios.
@main
struct Bench {
    static let scenarios: [(name: String, run: @Sendable () async throws -> [Figure])] = [
        ("economy", { try await EconomyScenario.run() }),
        ("latency", { try await LatencyScenario.run() }),
        ("outbox", { try await OutboxScenario.run() }),
        ("postgres", { try await PostgresScenario.run() }),
        ("replicas", { try await ReplicaScenario.run() }),
        ("rules", { RulesScenario.figures() }),
        ("silences", { try await SilenceScenario.run() }),
        ("differ", { DifferBenchmark.figures() }),
        ("memory", { try MemoryScenario.run() }),
        ("statuspage", { try await StatusPageScenario.run() }),
    ]

    static func main() async {
        LogSetup.bootstrap(format: .text, level: .error)
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--child" {
            arguments.removeFirst()
            MemoryScenario.child(arguments.first ?? "")
            return
        }
        let known = Set(scenarios.map(\.name))
        if let unknown = arguments.first(where: { !known.contains($0) }) {
            FileHandle.standardError.write(
                Data("unknown scenario \(unknown); known: \(scenarios.map(\.name).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        let wanted = Set(arguments)
        var results: [ScenarioResult] = []
        let clock = ContinuousClock()
        for scenario in scenarios where wanted.isEmpty || wanted.contains(scenario.name) {
            log("▶ \(scenario.name)…")
            let started = clock.now
            var figures: [Figure]
            do {
                figures = try await scenario.run()
            } catch {
                figures = [
                    Figure(
                        name: "scenario failed", value: 0, unit: "", target: "runs", met: false,
                        note: "\(scenario.name) threw: \(error)")
                ]
            }
            let seconds = (clock.now - started).seconds
            log("  done in \(String(format: "%.1f", seconds)) s")
            results.append(ScenarioResult(scenario: scenario.name, figures: figures, seconds: seconds))
        }
        print(Report.table(results))
        let machine = Machine.describe()
        print("\nmachine: \(machine)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = ResultsDocument(date: Date(), machine: machine, results: results)
        if let data = try? encoder.encode(document) {
            try? data.write(to: URL(fileURLWithPath: "bench-results.json"))
        }
    }

    /// Progress goes to standard error so standard output is only the table.
    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

struct ResultsDocument: Codable {
    var date: Date
    var machine: String
    var results: [ScenarioResult]
}

enum Machine {
    /// Cores and load average, for the table's footnote.
    static func describe() -> String {
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(load)"
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}
