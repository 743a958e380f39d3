import Foundation
import Logging
import PostgresNIO
import Store

/// The PostgreSQL implementation of ``Store/StateDatabase`` and ``Store/LeaseStore``: the state
/// database several `tattle run` replicas share (see `docs/postgres.md`).
///
/// The same tables as the SQLite store, with the same meaning (times are `float8` Unix seconds, so
/// both stores round-trip a `Date` exactly), built by versioned migrations (``migrate()``), plus the
/// `lease` and `replica` tables. Every write is one transaction: a cycle's snapshot advance, events,
/// outbox rows, noise memory and tombstones commit together, and a commit made under a unit lease
/// first locks that lease row `FOR SHARE` and compares holder and term (``Store/StoreError/fenced(_:)``).
/// Claims use `SELECT … FOR UPDATE SKIP LOCKED`, so replicas never claim the same row.
///
/// The `PostgresClient` (a connection pool) must be running — it is a `Service` for the daemon's
/// `ServiceGroup` (``client``) — before any call; a call that cannot reach the server within
/// ``Configuration/operationTimeout`` throws ``Store/StoreError/unavailable(_:)`` and changes nothing.
public final class PostgresStore: Sendable {
    /// How the store talks to its database.
    public struct Configuration: Sendable {
        /// The clock for `created_at`/`updated_at` stamps the protocols do not pass. Default `Date()`.
        public var now: @Sendable () -> Date
        /// Who this process is when it claims outbox rows (`claimed_by`). Default host name, process id
        /// and a random suffix (as the SQLite store's).
        public var claimer: String
        /// How long one call may wait for a connection and the server's answer before it fails as
        /// unavailable. Default 10 s.
        public var operationTimeout: Duration

        /// Creates a configuration; every argument has the default stated on its property.
        public init(
            now: @escaping @Sendable () -> Date = { Date() },
            claimer: String = SQLiteStore.Configuration.defaultClaimer(), operationTimeout: Duration = .seconds(10)
        ) {
            self.now = now
            self.claimer = claimer
            self.operationTimeout = operationTimeout
        }
    }

    /// The connection pool; run it (`client.run()`, or as a service in the `ServiceGroup`) for as long
    /// as the store is used.
    public let client: PostgresClient
    let configuration: Configuration
    let logger: Logger
    public let location: String
    /// How to open a connection of its own, to tell why the pool cannot reach the server.
    let probe: PostgresConnection.Configuration?

    /// A store over `client`. `location` names the database for logs and pages (never a password).
    public convenience init(
        client: PostgresClient, location: String, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tattle.postgres")
    ) {
        self.init(client: client, location: location, configuration: configuration, logger: logger, probe: nil)
    }

    private init(
        client: PostgresClient, location: String, configuration: Configuration, logger: Logger,
        probe: PostgresConnection.Configuration?
    ) {
        self.client = client
        self.location = location
        self.configuration = configuration
        self.logger = logger
        self.probe = probe
    }

    /// A store for `address`, with a new client (not yet running).
    public convenience init(
        address: PostgresAddress, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tattle.postgres")
    ) {
        self.init(
            client: PostgresClient(configuration: address.clientConfiguration, backgroundLogger: logger),
            location: address.description, configuration: configuration, logger: logger,
            probe: try? address.connectionConfiguration())
    }

    /// The same database seen by another outbox claimer (in tests, a second replica): its claims and
    /// writes carry `claimer`. It shares this store's client.
    public func withClaimer(_ claimer: String) -> PostgresStore {
        var configuration = configuration
        configuration.claimer = claimer
        return PostgresStore(
            client: client, location: location, configuration: configuration, logger: logger, probe: probe)
    }
}
