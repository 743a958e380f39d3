import Coordination
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
import Timekeeping
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
        let replication = parts.replication
        // The coordinator comes before delivery and polling: it shuts down after them (renewing the
        // leases while delivery drains), then resigns.
        let coordination: [any Service] = replication.map { [$0.coordinator] } ?? []
        var configuration = ServiceGroupConfiguration(
            services: [status] + coordination + [
                DispatcherService(dispatcher: parts.dispatcher), parts.housekeeping, parts.reloader,
                WatchUnitsService(
                    supervisor: parts.supervisor, units: { replication?.wanted() ?? parts.accounts.units },
                    stopped: { replication?.stopPolling() }),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration =
            .milliseconds(ofSeconds: options.shutdownGrace, rounding: .towardZero) + .seconds(2)
        let units = parts.accounts.units
        logger.info(
            "tattle started",
            metadata: [
                "regions": "\(Set(units.map(\.region)).sorted().joined(separator: ","))",
                "accounts": "\(Set(units.map(\.account)).sorted().joined(separator: ","))",
                "rules": "\(options.rulesFile.path)",
                "state_dir": "\(options.watch.stateDirectory.path)", "store": "\(parts.connection.location)",
                "status": "\(options.listen)", "replica": "\(parts.replication?.coordinator.replica ?? "")",
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
        /// Runs the region pollers of the units this process watches.
        var supervisor: WatchSupervisor
        /// The configured accounts and their clients; ``AccountClients/units`` is every unit.
        var accounts: AccountClients
        var dispatcher: Dispatcher
        var reloader: RulesReloader
        var housekeeping: Housekeeping
        var readiness: Readiness
        /// With several replicas on one database: what this one owns. nil for a single process.
        var replication: Replication?
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
        // The accounts come from the rules file; the daemon's regions (flags, environment, the CVM's)
        // are only needed, and only asked of the metadata service, when an account names none. A
        // region that cannot be found is reported before the rules file's problems, as it was
        // before accounts existed.
        let rules = Result { try Data(contentsOf: options.rulesFile) }.map { RuleSet.load(data: $0) }
        let accounts = (try? rules.get().0)?.effectiveAccounts ?? RuleSet.empty.effectiveAccounts
        var settings: APISettings
        let defaultRegions: [String]
        let watchConfiguration: Watcher.Configuration
        do {
            let needsRegions = accounts.contains { $0.regions == nil }
            settings = needsRegions ? try await runner.resolvedSettings() : try runner.settings()
            defaultRegions = options.watch.regions.isEmpty ? settings.region.map { [$0] } ?? [] : options.watch.regions
            if settings.region == nil { settings.region = APISettings.defaultRegion }
            watchConfiguration = try runner.configuration(settings: settings)
        } catch { throw ConfigurationError(error.description) }

        // Rules: a missing or invalid file at start is fatal, with every problem listed.
        let ruleSet: RuleSet
        switch rules {
        case .failure(let error):
            throw ConfigurationError(
                "cannot read the rules file \(options.rulesFile.path): "
                    + "\(error.localizedDescription.trimmingCharacters(in: CharacterSet(charactersIn: ". "))). "
                    + "Set --rules or TATTLE_RULES; rules.example.json shows the format.")
        case .success((let loaded, let diagnostics)):
            guard let loaded else {
                let report = diagnostics.listed().map { "  \($0)" }.joined(separator: "\n")
                throw ConfigurationError(
                    "the rules file \(options.rulesFile.path) has errors (check it with `tattle check`):\n\(report)")
            }
            for warning in diagnostics.listed() { logger.warning("rules: \(warning)") }
            ruleSet = loaded
        }
        let clients = AccountClients(
            settings: settings, defaultRegions: defaultRegions,
            credentials: AccountCredentials(environment: environment, logger: Logger(label: "tattle.credentials")),
            logger: Logger(label: "tattle.accounts"))
        let started = await clients.apply(accounts)
        if let failure = started.failures.first, ruleSet.accounts == nil { throw ConfigurationError(failure.reason) }
        guard started.failures.isEmpty else {
            throw ConfigurationError(
                "credentials failed: "
                    + started.failures.map { "account \($0.account): \($0.reason)" }.joined(separator: "; "))
        }

        let holder = RulesHolder(engine: RulesEngine(ruleSet: ruleSet))
        SecretScrubber.shared.register(holder.current.secrets)

        let store = connection.database
        let memory = try await store.loadNoiseMemory()
        let replication = connection.leases.map {
            Replication(
                store: $0, pollInterval: watchConfiguration.interval, holder: holder, clients: clients,
                logger: Logger(label: "tattle.coordination"))
        }

        var curlConfiguration = CurlClient.Configuration()
        curlConfiguration.caBundlePath = options.caBundle
        let curl = CurlClient(configuration: curlConfiguration)
        let ownedLanes: @Sendable () -> Set<String>?
        if let replication { ownedLanes = replication.lanes } else { ownedLanes = { nil } }
        let dispatcher = Dispatcher(
            store: store, transport: CurlTransport(client: curl),
            receiverLookup: { name in holder.current.ruleSet.receivers[name] },
            lanes: ownedLanes,
            render: { batch, receiver in
                try holder.current.render(
                    rule: batch.rule, receiver: receiver.name, events: batch.events, isRecovery: batch.isRecovery)
            },
            redactor: { holder.current.secrets },
            configuration: Self.dispatcherConfiguration(
                environment: environment, shutdownGrace: options.shutdownGrace,
                replicaLease: replication?.coordinator.configuration.ttl))

        let sink = RulesCommitSink(
            holder: holder, store: store, memory: memory, now: { Date() }, logger: Logger(label: "tattle.events"),
            observer: onEvents, committed: { dispatcher.wake() }, fencing: replication?.fencing)
        let health = DatabaseHealth()
        await health.check(store, logger: logger)
        // On PostgreSQL, a cycle is not polled while the database is unreachable (it could not
        // commit); a replica polls a unit only while it owns it.
        let gated = !connection.location.isStateDirectory
        let supervisor = WatchSupervisor(
            configuration: watchConfiguration,
            reader: { unit in
                clients.reader(for: unit).map { client in
                    let reader: any TATReader = gated ? GatedReader.databaseReachable(client, health: health) : client
                    return replication?.guarded(reader, unit: unit) ?? reader
                }
            },
            store: StoredSnapshots(store), sink: sink)
        replication?.attach(supervisor: supervisor, dispatcher: dispatcher, sink: sink)
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
            lastSuccessfulPoll: { supervisor.lastSuccessfulPoll },
            ownership: replication?.ownership,
            leaseTTL: replication?.coordinator.configuration.ttl.seconds ?? 15)
        readiness.rulesLoaded()
        let reloader = RulesReloader(
            file: options.rulesFile, holder: holder, logger: Logger(label: "tattle.rules"),
            afterApply: {
                let accounts = await Self.reconcileAccounts(
                    holder.current.ruleSet.effectiveAccounts, clients: clients, supervisor: supervisor,
                    replication: replication)
                return await Self.heldLine(dispatcher.reconcileHeld()) + "; " + accounts
            })
        return Parts(
            connection: connection, store: store, supervisor: supervisor, accounts: clients, dispatcher: dispatcher,
            reloader: reloader,
            housekeeping: Housekeeping(
                store: store, logger: Logger(label: "tattle.housekeeping"), health: health,
                retention: Retention(
                    dead: .seconds(options.deadLetterRetentionDays * 86_400),
                    noise: .seconds(options.noiseRetentionDays * 86_400)),
                // SQLite's quick_check reads the whole file; PostgreSQL's check is a round trip.
                integrityInterval: connection.location.isStateDirectory ? 600 : 0),
            readiness: readiness, replication: replication)
    }
}

extension Daemon {
    /// After a reload: brings the account clients in line with the rules file, restarts the pollers
    /// of accounts whose credentials or endpoint changed, starts added units and stops removed ones.
    /// Returns the end of the reload log line. With replicas the coordinator starts and stops units
    /// (its next round, asked for now, shares the changed set out).
    static func reconcileAccounts(
        _ accounts: [Account], clients: AccountClients, supervisor: WatchSupervisor, replication: Replication? = nil
    ) async -> String {
        let outcome = await clients.apply(accounts)
        await supervisor.restart(supervisor.units.filter { outcome.renewed.contains($0.account) })
        var change = WatchSupervisor.Change()
        if let replication { replication.coordinator.rebalance() } else { change = await supervisor.reconcile(to: clients.units) }
        return outcome.summary + ", \(change.started.count) units started, \(change.stopped.count) stopped"
    }

    /// The end of the reload log line about held deliveries.
    static func heldLine(_ summary: Dispatcher.HeldSummary) -> String {
        "\(summary.held) deliveries held for receivers not in the rules file, \(summary.released) resumed"
    }

    /// The delivery tuning. `TATTLE_RETRY_BASE_SECONDS` (undocumented, for soak tests only) lowers the
    /// first backoff ceiling, the minimum delay and the cap (10 × base) with it, so chaos tests drain in
    /// seconds, not minutes.
    ///
    /// A replica (`replicaLease`, its lease TTL) claims rows for as long as a lease lasts and renews
    /// its own claims as it goes (claims of rows it still works on come back to it): rows a killed
    /// replica had in flight are free when its lanes are, and no start-up recovery touches rows
    /// another replica is sending.
    static func dispatcherConfiguration(
        environment: [String: String], shutdownGrace: Double, replicaLease: Duration? = nil
    ) -> Dispatcher.Configuration {
        var configuration = Dispatcher.Configuration(
            // `tattle replay` runs in another process: look for re-queued rows every few seconds.
            idlePollInterval: .seconds(5),
            shutdownGracePeriod: .milliseconds(ofSeconds: shutdownGrace, rounding: .towardZero))
        if let replicaLease {
            configuration.lease = replicaLease
            configuration.recoversInFlightAtStart = false
            configuration.idlePollInterval = min(configuration.idlePollInterval, replicaLease / 3)
        }
        if let base = environment["TATTLE_RETRY_BASE_SECONDS"].flatMap(Double.init), base > 0, base.isFinite {
            configuration.retry.base = .milliseconds(ofSeconds: base, rounding: .towardZero)
            configuration.retry.minimumDelay = .milliseconds(ofSeconds: min(base, 1), rounding: .towardZero)
            configuration.retry.cap = .milliseconds(ofSeconds: base * 10, rounding: .towardZero)
        }
        return configuration
    }
}

/// The region pollers as a service: starts the pollers of `units` and keeps them polling until
/// graceful shutdown, which cancels each pause or abandons an uncommitted cycle (re-detected later).
/// Reloads change the units through ``Daemon/reconcileAccounts(_:clients:supervisor:)``.
struct WatchUnitsService: Service {
    let supervisor: WatchSupervisor
    /// The units to watch (every configured one; a replica passes the ones it holds leases on).
    let units: @Sendable () -> [WatchUnit]
    /// Called once every poller stopped (graceful shutdown). Default nothing.
    var stopped: @Sendable () -> Void = {}
    func run() async throws {
        await supervisor.reconcile(to: units())
        await cancelWhenGracefulShutdown { await supervisor.run() }
        stopped()
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
