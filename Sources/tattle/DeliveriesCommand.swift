import ArgumentParser
import Foundation
import Store
import TattleApp

extension DeliveriesCommands.Filter: ExpressibleByArgument {}

/// `tattle deliveries`: list outbox rows.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List notifications in the outbox: pending, retrying, dead, delivered or silenced.",
        discussion: "Newest first. Receivers are shown by name; stored errors are already redacted."
    )

    @OptionGroup var state: StateDirectoryOptions

    @Option(
        name: .customLong("state"), help: "Which rows: pending, retrying, held, dead, delivered, silenced or all.")
    var filter: DeliveriesCommands.Filter = .all

    @OptionGroup var listing: ListingOptions

    func run() async throws {
        let output = try await StoreConnection.withDatabase(try state.location()) { store in
            try await DeliveriesCommands.list(store: store, filter: filter, limit: listing.limit, json: listing.json)
        }
        print(output.text)
        if !output.succeeded { throw ExitCode.failure }
    }
}
