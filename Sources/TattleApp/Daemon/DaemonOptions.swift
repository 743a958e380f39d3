import Foundation
import Logging

/// Everything `tattle run` is configured with. Each option has a flag and an environment variable;
/// a flag wins over the variable, the variable over the default.
///
/// | option | flag | variable | default |
/// |---|---|---|---|
/// | rules file | `--rules` | `TATTLE_RULES` | `./rules.json` |
/// | state directory | `--state-dir` | `TATTLE_STATE_DIR` | `./tattle-state` |
/// | state database | `--store` | `TATTLE_STORE` (password: URL, `PGPASSWORD`, `TATTLE_STORE_PASSWORD_FILE`) | the SQLite file in the state directory |
/// | poll interval (s) | `--interval` | `TATTLE_INTERVAL` | 10 |
/// | regions | `--region` | `TATTLE_REGIONS` (comma list), `TENCENTCLOUD_REGION` | the CVM metadata service's |
/// | filters | `--filter-command-id` … | `TATTLE_FILTER_COMMAND_ID`, `TATTLE_FILTER_CREATED_BY`, `TATTLE_FILTER_INSTANCE_KIND` | none |
/// | endpoint | `--endpoint` | `TATTLE_ENDPOINT` | `https://tat.tencentcloudapi.com` |
/// | status listen address | `--listen` | `TATTLE_LISTEN` | `127.0.0.1:9464` |
/// | log format | `--log-format` | `TATTLE_LOG_FORMAT` | `auto` |
/// | log level | `--log-level` | `TATTLE_LOG_LEVEL` | `info` |
/// | shutdown grace (s) | `--shutdown-grace` | `TATTLE_SHUTDOWN_GRACE` | 10 |
/// | CA bundle for webhooks | `--ca-bundle` | `TATTLE_CA_BUNDLE` | system store |
/// | dead-letter retention (days) | `--dead-letter-retention` | `TATTLE_DEAD_LETTER_RETENTION_DAYS` | 30 |
/// | noise-memory retention (days) | — | `TATTLE_NOISE_RETENTION_DAYS` | 30 |
public struct DaemonOptions: Sendable {
    /// The watcher part, shared with `tattle watch`.
    public var watch = WatchCommandRunner.Options()
    public var rulesFile = URL(fileURLWithPath: "./rules.json")
    public var listen = "127.0.0.1:9464"
    public var logFormat = LogFormat.auto
    public var logLevel = Logger.Level.info
    public var shutdownGrace: Double = 10
    public var caBundle: String?
    /// Days a dead letter nobody replayed is kept; default 30.
    public var deadLetterRetentionDays: Double = 30
    /// Days noise memory (throttle windows, failing keys) is kept; default 30.
    public var noiseRetentionDays: Double = 30
    /// Where the state database is (`--store`, `TATTLE_STORE`); `nil`: the SQLite file in the state directory.
    public var store: StoreLocation?

    /// ``store``, or the SQLite file in ``WatchCommandRunner/Options/stateDirectory``.
    public var storeLocation: StoreLocation { store ?? .stateDirectory(watch.stateDirectory) }

    public init() {}

    /// Values given on the command line; `nil` means "not given".
    public struct Flags: Sendable {
        public var rules: String?
        public var stateDir: String?
        public var interval: Double?
        public var regions: [String] = []
        public var endpoint: String?
        public var language: String?
        public var commandIds: [String] = []
        public var createdBy: [String] = []
        public var instanceKinds: [String] = []
        public var backfill: Double?
        public var listen: String?
        public var logFormat: String?
        public var logLevel: String?
        public var shutdownGrace: Double?
        public var caBundle: String?
        public var deadLetterRetentionDays: Double?
        /// `--store postgres://user@host:port/db`.
        public var store: String?
        public init() {}
    }

    /// Resolves flags against the environment; throws a ``ConfigurationError`` naming the flag and
    /// the variable when a value is invalid.
    public static func resolve(_ flags: Flags, environment env: [String: String]) throws -> DaemonOptions {
        func list(_ name: String) -> [String] {
            (env[name] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
        }
        func number(_ flag: Double?, _ name: String, _ option: String) throws -> Double? {
            if let flag { return flag }
            guard let text = env[name], !text.isEmpty else { return nil }
            guard let value = Double(text) else {
                throw ConfigurationError("\(name)=\(text) is not a number (it sets \(option))")
            }
            return value
        }
        var options = DaemonOptions()
        options.rulesFile = URL(fileURLWithPath: flags.rules ?? env["TATTLE_RULES"] ?? "./rules.json")
        options.watch.stateDirectory = URL(
            fileURLWithPath: flags.stateDir ?? env["TATTLE_STATE_DIR"] ?? "./tattle-state", isDirectory: true)
        options.watch.interval = try number(flags.interval, "TATTLE_INTERVAL", "--interval") ?? 10
        options.watch.regions = flags.regions.isEmpty ? list("TATTLE_REGIONS") : flags.regions
        options.watch.endpoint = flags.endpoint
        options.watch.language = flags.language
        options.watch.commandIds = flags.commandIds.isEmpty ? list("TATTLE_FILTER_COMMAND_ID") : flags.commandIds
        options.watch.createdBy = (flags.createdBy.isEmpty ? list("TATTLE_FILTER_CREATED_BY") : flags.createdBy)
            .map { $0.uppercased() }
        options.watch.instanceKinds =
            (flags.instanceKinds.isEmpty ? list("TATTLE_FILTER_INSTANCE_KIND") : flags.instanceKinds)
            .map { $0.uppercased() }
        options.watch.backfill = try number(flags.backfill, "TATTLE_BACKFILL", "--backfill")
        options.listen = flags.listen ?? env["TATTLE_LISTEN"] ?? "127.0.0.1:9464"
        let format = flags.logFormat ?? env["TATTLE_LOG_FORMAT"] ?? "auto"
        guard let logFormat = LogFormat(rawValue: format) else {
            throw ConfigurationError("log format '\(format)' is not one of auto, json, text (--log-format, TATTLE_LOG_FORMAT)")
        }
        options.logFormat = logFormat
        let level = flags.logLevel ?? env["TATTLE_LOG_LEVEL"] ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigurationError(
                "log level '\(level)' is not one of trace, debug, info, notice, warning, error, critical (--log-level, TATTLE_LOG_LEVEL)")
        }
        options.logLevel = logLevel
        options.shutdownGrace = try number(flags.shutdownGrace, "TATTLE_SHUTDOWN_GRACE", "--shutdown-grace") ?? 10
        guard options.shutdownGrace > 0 else { throw ConfigurationError("--shutdown-grace must be positive") }
        options.caBundle = flags.caBundle ?? env["TATTLE_CA_BUNDLE"]
        options.deadLetterRetentionDays =
            try number(
                flags.deadLetterRetentionDays, "TATTLE_DEAD_LETTER_RETENTION_DAYS", "--dead-letter-retention") ?? 30
        options.noiseRetentionDays = try number(nil, "TATTLE_NOISE_RETENTION_DAYS", "noise-memory retention") ?? 30
        guard options.deadLetterRetentionDays > 0, options.noiseRetentionDays > 0 else {
            throw ConfigurationError("retention periods must be positive (--dead-letter-retention, TATTLE_NOISE_RETENTION_DAYS)")
        }
        _ = try StatusServer.parseAddress(options.listen)
        options.store = try StoreLocation.resolve(
            flags.store, environment: env, stateDirectory: options.watch.stateDirectory)
        return options
    }
}
