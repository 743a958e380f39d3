import ArgumentParser
import Foundation
import Logging
import TattleApp

/// `tattle run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon: watch TAT, match the rules, deliver notifications.",
        discussion: """
            Every option also reads an environment variable (the flag wins): TATTLE_RULES, TATTLE_STATE_DIR, \
            TATTLE_INTERVAL, TATTLE_REGIONS (comma list; else TENCENTCLOUD_REGION), TATTLE_ENDPOINT, \
            TATTLE_FILTER_COMMAND_ID / _CREATED_BY / _INSTANCE_KIND (comma lists), TATTLE_BACKFILL, \
            TATTLE_LISTEN, TATTLE_LOG_FORMAT, TATTLE_LOG_LEVEL, TATTLE_SHUTDOWN_GRACE, TATTLE_CA_BUNDLE, \
            TATTLE_TOMBSTONE_DAYS (how long a vanished invocation's last state is kept; default 7), \
            TATTLE_STORE (a PostgreSQL state database shared by replicas; password from the URL, PGPASSWORD or \
            the file TATTLE_STORE_PASSWORD_FILE names; default the SQLite file in the state directory). \
            Credentials: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, optional TENCENTCLOUD_SESSION_TOKEN. \
            Several accounts, each with its own credentials and regions: the rules file's "accounts" section \
            (docs/accounts.md); --region then applies to the accounts that name no regions.

            SIGTERM or SIGINT shuts down gracefully (polling stops, deliveries in flight finish or stay in the \
            outbox); SIGHUP or saving the rules file reloads the rules (a bad file keeps the old rules). \
            Status: /healthz, /readyz and /metrics on the listen address.

            Examples:
              tattle run --rules rules.json --state-dir /var/lib/tattle
              tattle run --endpoint http://127.0.0.1:9900 --interval 2 --log-format text
              PGPASSWORD=… tattle run --rules rules.json --store postgres://tattle@db.internal:5432/tattle
            """
    )

    @Option(help: "The rules file (default ./rules.json).") var rules: String?
    @Option(name: .customLong("state-dir"), help: "The state directory (default ./tattle-state).") var stateDir: String?
    @Option(
        help: ArgumentHelp(
            "A PostgreSQL state database, postgres://user@host:port/db (default: the state directory's SQLite file).",
            valueName: "URL"))
    var store: String?
    @Option(help: "Seconds between polls, fractions allowed (default 10).") var interval: Double?
    @Option(name: .customLong("region"), help: "A region to watch; repeat for more.") var regions: [String] = []
    @Option(help: "The API endpoint, http(s)://host[:port].") var endpoint: String?
    @Option(help: "The language of API error messages: zh-CN or en-US.") var language: String?
    @Option(name: .customLong("filter-command-id"), help: "Only this command id; repeat for OR.")
    var commandIds: [String] = []
    @Option(name: .customLong("filter-created-by"), help: "Only commands created by TAT or USER.")
    var createdBy: [String] = []
    @Option(name: .customLong("filter-instance-kind"), help: "Only CVM or LIGHTHOUSE invocations.")
    var instanceKinds: [String] = []
    @Option(help: "On the first start, notify about invocations created up to this many seconds ago.")
    var backfill: Double?
    @Option(help: "Status endpoint address HOST:PORT (default 127.0.0.1:9464).") var listen: String?
    @Option(name: .customLong("log-format"), help: "auto (JSON unless a terminal), json or text.")
    var logFormat: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info (default), notice, warning, error.")
    var logLevel: String?
    @Option(name: .customLong("shutdown-grace"), help: "Seconds deliveries may take to finish at shutdown (default 10).")
    var shutdownGrace: Double?
    @Option(name: .customLong("dead-letter-retention"), help: "Days dead letters are kept before pruning (default 30).")
    var deadLetterRetention: Double?
    @Option(name: .customLong("ca-bundle"), help: "A PEM CA bundle for webhook and SMTP TLS (default: system store).")
    var caBundle: String?

    func run() async throws {
        var flags = DaemonOptions.Flags()
        flags.rules = rules
        flags.stateDir = stateDir
        flags.interval = interval
        flags.regions = regions
        flags.endpoint = endpoint
        flags.language = language
        flags.commandIds = commandIds
        flags.createdBy = createdBy
        flags.instanceKinds = instanceKinds
        flags.backfill = backfill
        flags.listen = listen
        flags.logFormat = logFormat
        flags.logLevel = logLevel
        flags.shutdownGrace = shutdownGrace
        flags.deadLetterRetentionDays = deadLetterRetention
        flags.caBundle = caBundle
        flags.store = store
        do {
            let options = try DaemonOptions.resolve(flags, environment: ProcessInfo.processInfo.environment)
            LogSetup.bootstrap(format: options.logFormat, level: options.logLevel)
            try await Daemon(options: options).run()
        } catch {
            FileHandle.standardError.write(Data("tattle: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `tattle probe URL`: exits 0 when the URL answers 2xx (the container's HEALTHCHECK).
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe", abstract: "Check that a URL answers 2xx (used by the container health check).")

    @Argument(help: "The URL, e.g. http://127.0.0.1:9464/healthz") var url: String
    @Option(help: "Seconds to wait.") var timeout: Double = 5

    func run() async throws {
        if let problem = await Probe.run(url: url, timeoutSeconds: timeout) {
            FileHandle.standardError.write(Data("probe failed: \(problem)\n".utf8))
            throw ExitCode.failure
        }
    }
}
