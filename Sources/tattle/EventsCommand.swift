import ArgumentParser
import Foundation
import Store
import TattleApp

/// `tattle events`: list recorded events and where they went.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the events Tattle recorded, newest first, with the receivers each was sent to.",
        discussion: "The JSON form (--json) is what GET /api/v1/events answers."
    )

    @OptionGroup var state: StateDirectoryOptions

    @OptionGroup var listing: ListingOptions

    func run() async throws {
        let output = try await StoreConnection.withDatabase(try state.location()) { store in
            try await EventsCommands.list(store: store, limit: listing.limit, json: listing.json)
        }
        print(output.text)
    }
}
