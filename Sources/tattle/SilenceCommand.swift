import ArgumentParser
import Foundation
import Store
import TattleApp

/// `tattle silence add|list|expire`: quiet matching notifications for a while, like `amtool silence`.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Quiet matching notifications for a while, without editing the rules file.",
        discussion: """
            Silences live in the state database; the daemon applies them from its next poll cycle. A \
            silenced notification is recorded (tattle deliveries --state silenced) and never sent.
            """,
        subcommands: [Add.self, List.self, Expire.self],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a silence; prints its id.",
            discussion: """
                Every --match must hold. FIELD is an event field path as in the rules file's match \
                (invocation.commandName, status, region, task.instanceId, …); VALUE is a glob (* and ?) \
                or exact text; FIELD!=VALUE negates. Example: \
                tattle silence add --match invocation.commandName=deploy-web --for 2h --comment "rollout"
                """)

        @OptionGroup var state: StateDirectoryOptions

        @Option(
            name: .customLong("match"),
            help: ArgumentHelp("A matcher FIELD=VALUE or FIELD!=VALUE.", valueName: "FIELD=VALUE"))
        var matchers: [String] = []

        @Option(name: .customLong("for"), help: ArgumentHelp("How long: 30m, 2h, 1d, 1h30m.", valueName: "DURATION"))
        var duration: String

        @Option(help: "Why (shown by list).")
        var comment: String = ""

        @Option(help: "Who (default: $USER).")
        var author: String?

        @Flag(help: "Print the silence as JSON.")
        var json = false

        func validate() throws {
            guard !matchers.isEmpty else { throw ValidationError("give at least one --match FIELD=VALUE") }
        }

        func run() async throws {
            let output = try await StoreConnection.withDatabase(try state.location()) { store in
                try await SilenceCommands.add(
                    store: store, matchers: matchers, duration: duration, comment: comment, author: author, json: json)
            }
            print(output.text)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List active silences (--all: every silence).")

        @OptionGroup var state: StateDirectoryOptions

        @Flag(help: "Also pending and ended silences, newest first.")
        var all = false

        @OptionGroup var listing: ListingOptions

        func run() async throws {
            let output = try await StoreConnection.withDatabase(try state.location()) { store in
                try await SilenceCommands.list(store: store, all: all, limit: listing.limit, json: listing.json)
            }
            print(output.text)
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End silences now, by id.")

        @OptionGroup var state: StateDirectoryOptions

        @Argument(help: "Silence ids (from tattle silence list).")
        var ids: [String]

        func validate() throws {
            guard !ids.isEmpty else { throw ValidationError("give the id of the silence to expire") }
        }

        func run() async throws {
            let output = try await StoreConnection.withDatabase(try state.location()) { store in
                try await SilenceCommands.expire(store: store, ids: ids)
            }
            print(output.text)
            if !output.succeeded { throw ExitCode.failure }
        }
    }
}
