import ArgumentParser

/// `--limit` and `--json`, shared by the commands that list rows (`deliveries`, `events`, `silence list`).
struct ListingOptions: ParsableArguments {
    @Option(help: "At most this many rows.")
    var limit: Int = 50

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }
}
