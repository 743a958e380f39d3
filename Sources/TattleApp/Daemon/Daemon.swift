import Curl
import Delivery
import Events
import Foundation
import Logging
import Metrics
import Pipeline
import Prometheus
import Rules
import ServiceLifecycle
import Store
import TencentCloud
import UnixSignals
import Watcher

/// `tattle run`: the watcher, rules, outbox and delivery workers, the rules reloader and the status
/// endpoint as services of one `ServiceGroup`.
///
/// Services are listed in dependency order and shut down in reverse: on SIGTERM/SIGINT polling stops
/// first, the reloader and housekeeping next, then delivery drains (sends in flight finish within
/// the grace period; anything unfinished stays in the outbox), the status endpoint last, and the
/// database is closed.
public struct Daemon: Sendable {
    public let options: DaemonOptions
    public let environment: [String: String]
    /// Called with each committed cycle's events (the demo prints them). Default none.
    public var onEvents: (@Sendable ([Event]) -> Void)?

    public init(
        options: DaemonOptions, environment: [String: String] = ProcessInfo.processInfo.environment,
        onEvents: (@Sendable ([Event]) -> Void)? = nil
    ) {
        self.options = options
        self.environment = environment
        self.onEvents = onEvents
    }

    /// Runs until a shutdown signal. Throws ``ConfigurationError`` (or a credentials/settings error)
    /// when the configuration cannot work, before anything starts.
    /// - Parameter stopAfter: shut down gracefully after this long (the demo); default never.
    public func run(logger: Logger = Logger(label: "tattle"), stopAfter: Duration? = nil) async throws {
        let registry = MetricsSetup.bootstrap()
        let parts = try await assemble(logger: logger)
        do {
            try await serve(parts, registry: registry, logger: logger, stopAfter: stopAfter)
        } catch {
            await parts.connection.close()
            throw error
        }
        // The database goes last: everything that used it has stopped.
        await parts.connection.close()
    }

    /// Runs the services of an assembled daemon until a shutdown signal (or `stopAfter`).
    private func serve(
        _ parts: Parts, registry: PrometheusCollectorRegistry, logger: Logger, stopAfter: Duration?
    ) async throws {
        let (host, port) = try StatusServer.parseAddress(options.listen)
        let status = StatusServer(
            host: host, port: port, readiness: parts.readiness, registry: registry,
            logger: Logger(label: "tattle.status"),
            sources: try StatusSources(daemon: parts, options: options, environment: environment))
        var configuration = ServiceGroupConfiguration(
            services: [
                status, DispatcherService(dispatcher: parts.dispatcher), parts.housekeeping, parts.reloader,
                WatcherService(watcher: parts.watcher),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(options.shutdownGrace * 1000) + 2000)
        logger.info(
            "tattle started",
            metadata: [
                "regions": "\(parts.regions.joined(separator: ","))", "rules": "\(options.rulesFile.path)",
                "state_dir": "\(options.watch.stateDirectory.path)", "store": "\(parts.connection.location)",
                "status": "\(options.listen)",
                "interval_seconds": "\(options.watch.interval)",
            ])
        let group = ServiceGroup(configuration: configuration)
        let timer = Task {
            guard let stopAfter else { return }
            try await Task.sleep(for: stopAfter)
            await group.triggerGracefulShutdown()
        }
        defer { timer.cancel() }
        try await group.run()
        logger.info("tattle stopped; state saved")
    }

    /// The wired components, built and checked before any service starts.
    struct Parts {
        /// The state database, open until the daemon stops (for SQLite with the state directory's
        /// lock: one writer per directory).
        var connection: StoreConnection
        var store: any StateDatabase
        var watcher: Watcher
        var dispatcher: Dispatcher
        var reloader: RulesReloader
        var housekeeping: Housekeeping
        var readiness: Readiness
        var regions: [String]
    }

    func assemble(logger: Logger) async throws -> Parts {
        let runner = WatchCommandRunner(options: options.watch, environment: environment)
        do { try runner.validate() } catch { throw ConfigurationError(error.description) }
        // The state database, opened before anything slow (the credential chain): for SQLite that
        // takes the state directory's lock (one writer per directory); PostgreSQL is migrated.
        let connection = try await StoreConnection.open(options.storeLocation, access: .daemon, logger: logger)
        do {
            return try await assemble(runner: runner, connection: connection, logger: logger)
        } catch {
            await connection.close()
            throw error
        }
    }

    private func assemble(runner: WatchCommandRunner, connection: StoreConnection, logger: Logger) async throws -> Parts {
        let settings: APISettings
        let watchConfiguration: Watcher.Configuration
        do {
            settings = try await runner.resolvedSettings()
            watchConfiguration = try runner.configuration(settings: settings)
        } catch { throw ConfigurationError(error.description) }
        let credentials: CredentialProvider
        do {
            credentials = try await APISettings.credentialProvider(
                endpoint: settings.endpoint, environment: environment, logger: Logger(label: "tattle.credentials"))
        } catch { throw ConfigurationError("\(error)") }

        // Rules: a missing or invalid file at start is fatal, with every problem listed.
        let rulesData: Data
        do { rulesData = try Data(contentsOf: options.rulesFile) } catch {
            throw ConfigurationError(
                "cannot read the rules file \(options.rulesFile.path): "
                    + "\(error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ". "))). "
                    + "Set --rules or TATTLE_RULES; rules.example.json shows the format.")
        }
        let (ruleSet, diagnostics) = RuleSet.load(data: rulesData)
        guard let ruleSet else {
            let report = diagnostics.map { "  \($0)" }.joined(separator: "\n")
            throw ConfigurationError(
                "the rules file \(options.rulesFile.path) has errors (check it with `tattle check`):\n\(report)")
        }
        for warning in diagnostics { logger.warning("rules: \(warning)") }
        let holder = RulesHolder(engine: RulesEngine(ruleSet: ruleSet))
        SecretScrubber.shared.register(holder.current.secrets)

        let store = connection.database
        let memory = try await store.loadNoiseMemory()

        var curlConfiguration = CurlClient.Configuration()
        curlConfiguration.caBundlePath = options.caBundle
        let curl = CurlClient(configuration: curlConfiguration)
        let dispatcher = Dispatcher(
            store: store, transport: CurlTransport(client: curl),
            receiverLookup: { name in holder.current.ruleSet.receivers[name] },
            render: { batch, receiver in
                try holder.current.render(
                    rule: batch.rule, receiver: receiver.name, events: batch.events, isRecovery: batch.isRecovery)
            },
            redactor: { holder.current.secrets },
            configuration: Self.dispatcherConfiguration(
                environment: environment, shutdownGrace: options.shutdownGrace))

        let sink = RulesCommitSink(
            holder: holder, store: store, memory: memory, now: { Date() }, logger: Logger(label: "tattle.events"),
            observer: onEvents, committed: { dispatcher.wake() })
        let client = settings.makeClient(credentialProvider: credentials)
        let health = DatabaseHealth()
        await health.check(store, logger: logger)
        // On PostgreSQL, a cycle is not polled while the database is unreachable: it could not commit.
        let reader: any TATReader = connection.location.isStateDirectory ? client : StoreGatedReader(client, health: health)
        let watcher = Watcher(
            configuration: watchConfiguration, reader: reader, store: StoredSnapshots(store), sink: sink)
        let stateDirectory = connection.location.isStateDirectory ? options.watch.stateDirectory : nil
        let readiness = Readiness(
            pollInterval: options.watch.interval,
            databaseProblem: {
                // The database check runs at start and in housekeeping, not per probe.
                if let problem = health.problem { return problem }
                if let stateDirectory, !FileManager.default.isWritableFile(atPath: stateDirectory.path) {
                    return "state directory \(stateDirectory.path) not writable"
                }
                return nil
            },
            lastSuccessfulPoll: { watcher.lastSuccessfulPoll })
        readiness.rulesLoaded()
        let reloader = RulesReloader(
            file: options.rulesFile, holder: holder, logger: Logger(label: "tattle.rules"),
            afterApply: { await Self.heldLine(dispatcher.reconcileHeld()) })
        return Parts(
            connection: connection, store: store, watcher: watcher, dispatcher: dispatcher, reloader: reloader,
            housekeeping: Housekeeping(
                store: store, logger: Logger(label: "tattle.housekeeping"), health: health,
                retention: Retention(
                    dead: .seconds(options.deadLetterRetentionDays * 86_400),
                    noise: .seconds(options.noiseRetentionDays * 86_400)),
                // SQLite's quick_check reads the whole file; PostgreSQL's check is a round trip.
                integrityInterval: connection.location.isStateDirectory ? 600 : 0),
            readiness: readiness, regions: watchConfiguration.regions)
    }
}

extension Daemon {
    /// The end of the reload log line about held deliveries.
    static func heldLine(_ summary: Dispatcher.HeldSummary) -> String {
        "\(summary.held) deliveries held for receivers not in the rules file, \(summary.released) resumed"
    }

    /// The delivery tuning. `TATTLE_RETRY_BASE_SECONDS` (undocumented, for soak tests only) lowers the
    /// first backoff ceiling, the minimum delay and the cap (10 × base) with it, so chaos tests drain in
    /// seconds, not minutes.
    static func dispatcherConfiguration(environment: [String: String], shutdownGrace: Double)
        -> Dispatcher.Configuration
    {
        var configuration = Dispatcher.Configuration(
            // `tattle replay` runs in another process: look for re-queued rows every few seconds.
            idlePollInterval: .seconds(5),
            shutdownGracePeriod: .milliseconds(Int64(shutdownGrace * 1000)))
        if let base = environment["TATTLE_RETRY_BASE_SECONDS"].flatMap(Double.init), base > 0, base.isFinite {
            configuration.retry.base = .milliseconds(Int64(base * 1000))
            configuration.retry.minimumDelay = .milliseconds(Int64(min(base, 1) * 1000))
            configuration.retry.cap = .milliseconds(Int64(base * 10_000))
        }
        return configuration
    }
}

/// The watcher as a service: polls until graceful shutdown, which cancels the pause or abandons an
/// uncommitted cycle (it is re-detected after restart).
struct WatcherService: Service {
    let watcher: Watcher
    func run() async throws {
        // Graceful shutdown cancels the pause, or abandons an uncommitted cycle (re-detected later).
        await cancelWhenGracefulShutdown { await watcher.run() }
    }
}

/// The delivery workers as a service: on graceful shutdown stop claiming and drain within the
/// dispatcher's grace period.
struct DispatcherService: Service {
    let dispatcher: Dispatcher
    func run() async throws {
        try await withGracefulShutdownHandler {
            try await dispatcher.run()
        } onGracefulShutdown: {
            dispatcher.shutdown()
        }
    }
}
