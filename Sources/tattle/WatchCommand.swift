import ArgumentParser
import Foundation
import TattleApp

/// `tattle watch`: poll TAT and print every status change as a JSON line.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch TAT invocations and print each status change as one JSON line.",
        discussion: """
            Credentials come from TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY and, for temporary keys, \
            TENCENTCLOUD_SESSION_TOKEN. Events (the documented event schema) go to stdout, one JSON object \
            per line; logs go to stderr. The snapshot lives in the state directory: the first run records \
            what exists without reporting it (see --backfill), later runs continue where the last one \
            stopped. SIGINT or SIGTERM stops cleanly; nothing committed is lost.

            Examples:
              tattle watch --once
              tattle watch --region ap-guangzhou --region ap-shanghai --interval 5
              tattle watch --endpoint http://127.0.0.1:9900 --backfill 3600 --filter-instance-kind CVM
            """
    )

    @OptionGroup var stateDirectory: StateDirectoryOptions

    @Option(help: "Seconds between polls (fractions allowed).")
    var interval: Double = 10

    @Option(
        name: .customLong("region"),
        help: "A region to watch; repeat for more. Default: $TENCENTCLOUD_REGION, else the CVM metadata service's.")
    var regions: [String] = []

    @Option(
        help:
            "The API endpoint, http(s)://host[:port]. Default: $TATTLE_ENDPOINT, else https://tat.tencentcloudapi.com.")
    var endpoint: String?

    @Option(help: "The language of API error messages: zh-CN or en-US.")
    var language: String?

    @Option(name: .customLong("filter-command-id"), help: "Only invocations of this command id; repeat for OR.")
    var commandIds: [String] = []

    @Option(name: .customLong("filter-created-by"), help: "Only commands created by TAT or USER; repeat for OR.")
    var createdBy: [String] = []

    @Option(name: .customLong("filter-instance-kind"), help: "Only CVM or LIGHTHOUSE invocations; repeat for OR.")
    var instanceKinds: [String] = []

    @Option(help: "On the first run, report invocations created up to this many seconds ago.")
    var backfill: Double?

    @Flag(help: "Poll every region once and exit.")
    var once = false

    var runner: WatchCommandRunner {
        var options = WatchCommandRunner.Options()
        options.stateDirectory = stateDirectory.url
        options.interval = interval
        options.regions = regions
        options.endpoint = endpoint
        options.language = language
        options.commandIds = commandIds
        options.createdBy = createdBy.map { $0.uppercased() }
        options.instanceKinds = instanceKinds.map { $0.uppercased() }
        options.backfill = backfill
        options.once = once
        return WatchCommandRunner(options: options)
    }

    func validate() throws {
        do { try runner.validate() } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        do {
            try await runner.run()
        } catch let error as WatchCommandRunner.OptionsError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(WatchCommandRunner.exitCode(for: error))
        }
    }
}
