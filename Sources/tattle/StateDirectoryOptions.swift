import ArgumentParser
import Foundation

/// `--state-dir`, shared by the commands that open the state database.
struct StateDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "Directory holding tattle.sqlite (default: $TATTLE_STATE_DIR, else ./tattle-state).",
            valueName: "DIR"))
    var stateDir: String?

    /// The directory to use: the flag, else `TATTLE_STATE_DIR`, else `./tattle-state`.
    var url: URL {
        let path = stateDir ?? ProcessInfo.processInfo.environment["TATTLE_STATE_DIR"] ?? "./tattle-state"
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
