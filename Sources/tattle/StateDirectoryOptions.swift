import ArgumentParser
import Foundation
import TattleApp

/// `--state-dir` and `--store`, shared by the commands that open the state database.
struct StateDirectoryOptions: ParsableArguments {
    @Option(
        name: .customLong("state-dir"),
        help: ArgumentHelp(
            "Directory holding tattle.sqlite (default: $TATTLE_STATE_DIR, else ./tattle-state).",
            valueName: "DIR"))
    var stateDir: String?

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "A PostgreSQL state database instead, e.g. postgres://tattle@db:5432/tattle (default: $TATTLE_STORE; "
                + "password from PGPASSWORD or $TATTLE_STORE_PASSWORD_FILE).",
            valueName: "URL"))
    var store: String?

    /// The directory to use: the flag, else `TATTLE_STATE_DIR`, else `./tattle-state`.
    var url: URL {
        let path = stateDir ?? ProcessInfo.processInfo.environment["TATTLE_STATE_DIR"] ?? "./tattle-state"
        return URL(fileURLWithPath: path, isDirectory: true)
    }

    /// The state database: `--store`, else `TATTLE_STORE`, else the SQLite file in ``url``.
    func location() throws -> StoreLocation {
        try StoreLocation.resolve(store, environment: ProcessInfo.processInfo.environment, stateDirectory: url)
    }
}
