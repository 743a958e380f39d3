import ArgumentParser
import Foundation
import TattleApp

/// `tattle test-rule FILE --event EVENT.json`: show what an event would cause, sending nothing.
struct TestRuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-rule",
        abstract:
            "Show which rules match an event, why, and the exact payload each receiver would get. Nothing is sent."
    )

    @Argument(help: "The rules file.")
    var file: String

    @Option(help: "An event in Tattle's JSON form (see Examples/events).")
    var event: String

    @Option(help: "Evaluate at this ISO 8601 time (default: the event's detectedAt).")
    var now: String?

    @Flag(help: "Pretend every command was failing, to preview recovery notices.")
    var assumeFailing = false

    @OptionGroup(title: "Silences (read from the state database when it exists, active at --now or now)")
    var state: StateDirectoryOptions

    func validate() throws {
        if let now, ISO8601DateFormatter().date(from: now) == nil {
            throw ValidationError("--now must be an ISO 8601 time such as 2026-11-29T07:00:00Z")
        }
    }

    func run() async throws {
        let date = now.flatMap { ISO8601DateFormatter().date(from: $0) }
        let silences = try await SilenceCommands.activeSilences(location: try state.location(), at: date ?? Date())
        let output = RulesCommands.testRule(
            rulesPath: file, eventPath: event, now: date, assumeFailing: assumeFailing, silences: silences)
        print(output.text, terminator: "")
        if output.exitStatus != 0 { throw ExitCode(output.exitStatus) }
    }
}
