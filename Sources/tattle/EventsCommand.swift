import ArgumentParser
import Foundation
import TattleApp

/// `tattle events`: list recorded events and where they went.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events Tattle recorded, newest first, with the receivers each was sent to.",
        discussion: "The JSON form (--json) is what GET /api/v1/events answers."
    )

    @OptionGroup var state: StateDirectoryOptions

    @Option(help: "At most this many events.")
    var limit: Int = 50

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let store = try DeliveriesCommands.openStore(directory: state.url)
        defer { try? store.close() }
        print(try await EventsCommands.list(store: store, limit: limit, json: json).text)
    }
}
