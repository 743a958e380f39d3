import ArgumentParser
import Foundation
import Store
import TattleApp

/// `tattle replay`: re-queue dead letters.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-queue dead deliveries: due now, attempts reset.",
        discussion: "Ids come from `tattle deliveries --state dead`. Exits 1 if a given id is unknown or not dead."
    )

    @OptionGroup var state: StateDirectoryOptions

    @Option(name: .customLong("id"), parsing: .upToNextOption, help: "Outbox row ids to replay (repeatable).")
    var ids: [Int64] = []

    @Flag(name: .customLong("all-dead"), help: "Replay every dead delivery.")
    var allDead = false

    func validate() throws {
        if allDead && !ids.isEmpty { throw ValidationError("--id and --all-dead exclude each other") }
        if !allDead && ids.isEmpty { throw ValidationError("pass --id N ... or --all-dead") }
    }

    func run() async throws {
        let ids = allDead ? nil : ids
        let output = try await StoreConnection.withDatabase(try state.location()) { store in
            try await DeliveriesCommands.replay(store: store, ids: ids)
        }
        print(output.text)
        if !output.succeeded { throw ExitCode.failure }
    }
}
