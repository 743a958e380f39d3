import Events
import Foundation
import Logging
import Pipeline
import Store
import TencentCloud
import Timekeeping
import UnixSignals
import Watcher

/// `tattle watch`: polls TAT, prints every detected event as one JSON line on stdout and keeps the
/// snapshot in the state directory, until SIGINT or SIGTERM (or after one cycle with `--once`).
///
/// Each cycle commits snapshot and events to the state database before the events are printed, so
/// an interrupted run neither loses nor repeats a change: the next run starts from the committed state.
public struct WatchCommandRunner: Sendable {
    /// The options of `tattle watch`, already parsed.
    public struct Options: Sendable, Hashable {
        /// The state directory (holds `tattle.sqlite`). Default `./tattle-state`.
        public var stateDirectory = URL(fileURLWithPath: "./tattle-state", isDirectory: true)
        /// Seconds between cycles; fractions allowed. Default 10.
        public var interval: Double = 10
        /// Regions to watch. Default empty: `$TENCENTCLOUD_REGION`, else `ap-guangzhou`.
        public var regions: [String] = []
        /// The API endpoint. Default nil: `$TATTLE_ENDPOINT`, else the China-site endpoint.
        public var endpoint: String?
        /// `X-TC-Language`. Default nil.
        public var language: String?
        /// `command-id` filter values. Default none.
        public var commandIds: [String] = []
        /// `command-created-by` filter values (`TAT`, `USER`). Default none.
        public var createdBy: [String] = []
        /// `instance-kind` filter values (`CVM`, `LIGHTHOUSE`). Default none.
        public var instanceKinds: [String] = []
        /// On a region's first start, report invocations created this many seconds back. Default nil.
        public var backfill: Double?
        /// Run one cycle per region and exit. Default false.
        public var once = false

        /// Creates options with the defaults stated on each property.
        public init() {}
    }

    /// A problem with the options, reported before anything starts.
    public struct OptionsError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong and how to fix it.
        public var description: String
    }

    /// The options this runner was created with.
    public let options: Options
    /// The environment credentials and defaults are read from.
    public let environment: [String: String]

    /// Creates a runner; `environment` defaults to the process environment.
    public init(options: Options, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.options = options
        self.environment = environment
    }

    /// Checks every option; throws the first problem.
    public func validate() throws(OptionsError) {
        guard options.interval > 0, options.interval.isFinite else {
            throw OptionsError(description: "--interval must be a positive number of seconds")
        }
        if let backfill = options.backfill, !(backfill >= 0 && backfill.isFinite) {
            throw OptionsError(description: "--backfill must be a non-negative number of seconds")
        }
        for value in options.createdBy where !["TAT", "USER"].contains(value) {
            throw OptionsError(description: "--filter-created-by must be TAT or USER, got \(value)")
        }
        for value in options.instanceKinds where !["CVM", "LIGHTHOUSE"].contains(value) {
            throw OptionsError(description: "--filter-instance-kind must be CVM or LIGHTHOUSE, got \(value)")
        }
        for (name, values) in [
            ("--filter-command-id", options.commandIds), ("--filter-created-by", options.createdBy),
            ("--filter-instance-kind", options.instanceKinds),
        ] where values.count > 5 {
            throw OptionsError(description: "\(name) takes at most 5 values, got \(values.count)")
        }
        if options.regions.contains(where: \.isEmpty) { throw OptionsError(description: "--region must not be empty") }
        _ = try tombstoneRetention()
        _ = try settings()
    }

    /// The API settings (first region, endpoint, language) resolved against the environment.
    public func settings() throws(OptionsError) -> APISettings {
        do {
            return try APISettings.resolve(
                region: options.regions.first, endpoint: options.endpoint, language: options.language,
                environment: environment)
        } catch {
            throw OptionsError(description: error.description)
        }
    }

    /// The environment variable giving the tombstone retention in days (fractions allowed). Default 7.
    public static let tombstoneDaysVariable = "TATTLE_TOMBSTONE_DAYS"

    /// How long tombstones are kept: `TATTLE_TOMBSTONE_DAYS`, else 7 days.
    func tombstoneRetention() throws(OptionsError) -> Duration {
        guard let text = environment[Self.tombstoneDaysVariable], !text.isEmpty else {
            return Watcher.Configuration.defaultTombstoneRetention
        }
        guard let days = Double(text), days > 0, days.isFinite, days <= 3650 else {
            throw OptionsError(
                description: "\(Self.tombstoneDaysVariable) must be a number of days above 0 (at most 3650), got \(text)")
        }
        return .milliseconds(ofSeconds: days * 86_400)
    }

    /// The API settings with the region filled in from the CVM metadata service when none was given.
    /// - Throws: `OptionsError` saying how to set the region when the metadata service does not answer.
    public func resolvedSettings() async throws(OptionsError) -> APISettings {
        let settings = try settings()
        do { return try await settings.resolvingRegion(environment: environment) } catch {
            throw OptionsError(description: error.description)
        }
    }

    /// The watcher configuration the options describe, for `settings` (default: ``settings()``, which
    /// must then name a region; use ``resolvedSettings()`` to ask the metadata service).
    public func configuration(settings given: APISettings? = nil) throws(OptionsError) -> Watcher.Configuration {
        let settings: APISettings
        if let given { settings = given } else { settings = try self.settings() }
        let regions = options.regions.isEmpty ? settings.region.map { [$0] } ?? [] : options.regions
        guard !regions.isEmpty else {
            throw OptionsError(
                description: "no region given: pass --region or set \(APISettings.regionVariable)")
        }
        return Watcher.Configuration(
            interval: .milliseconds(ofSeconds: options.interval),
            regions: regions,
            filters: Watcher.Filters(
                commandIds: options.commandIds, createdBy: options.createdBy, instanceKinds: options.instanceKinds),
            backfill: options.backfill.map { .milliseconds(ofSeconds: $0) },
            tombstoneRetention: try tombstoneRetention())
    }

    /// Runs until SIGINT/SIGTERM (or one cycle with `--once`). Events go to `output` as JSON lines.
    /// - Throws: `OptionsError`, `CredentialsError`, store errors; with `--once`, the failure of a cycle.
    public func run(
        output: @escaping @Sendable (String) -> Void = WatchCommandRunner.printLine,
        logger: Logger = Logger(label: "tattle.watch")
    ) async throws {
        try validate()
        let lock = try StateDirectoryLock(directory: options.stateDirectory)
        let settings = try await resolvedSettings()
        let configuration = try configuration(settings: settings)
        let credentials = try await APISettings.credentialProvider(
            endpoint: settings.endpoint, environment: environment, logger: logger)
        let client = settings.makeClient(credentialProvider: credentials)
        let store = try SQLiteStore(directory: options.stateDirectory)
        defer {
            try? store.close()
            withExtendedLifetime(lock) {}
        }
        let watcher = makeWatcher(
            configuration: configuration, reader: client, store: store, output: output, logger: logger)
        if options.once {
            try await watcher.pollOnce()
            return
        }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        logger.info(
            "watching",
            metadata: [
                "regions": "\(configuration.regions.joined(separator: ","))",
                "state_dir": "\(options.stateDirectory.path)",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await watcher.run() }
            group.addTask {
                for await signal in signals {
                    logger.info("received \(signal); stopping (committed state is kept)")
                    break
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// The watcher `run` uses, exposed so tests can drive it with their own reader and store.
    public func makeWatcher(
        configuration: Watcher.Configuration, reader: any TATReader, store: any StateStore & SnapshotSource,
        output: @escaping @Sendable (String) -> Void, logger: Logger = Logger(label: "tattle.watch")
    ) -> Watcher {
        let sink = StoreSink(store: store) { _, events in
            let encoder = Event.encoder
            for event in events {
                guard let data = try? encoder.encode(event) else { continue }
                output(String(decoding: data, as: UTF8.self))
            }
        }
        return Watcher(configuration: configuration, reader: reader, store: store, sink: sink, logger: logger)
    }

    /// The exit status for a failure of ``run(output:logger:)``: 2 when another process holds the
    /// state directory (as `tattle run` exits), else 1.
    public static func exitCode(for error: any Error) -> Int32 {
        error is StateDirectoryLock.Held ? 2 : 1
    }

    /// Writes `line` and a newline to stdout in one write.
    public static let printLine: @Sendable (String) -> Void = { line in
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
