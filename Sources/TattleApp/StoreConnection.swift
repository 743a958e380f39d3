import Foundation
import Logging
import PostgresStore
import ServiceLifecycle
import Store

/// An open state database and what keeps it open: for the SQLite file, the store (and, for a
/// writer, the state directory's lock: one writer per directory); for PostgreSQL, the store and its
/// `PostgresClient` running as the service of a `ServiceGroup` of its own, started before anything
/// uses the database and shut down after everything else (``close()``).
public final class StoreConnection: Sendable {
    /// Who opens the database: the daemon writes (and takes the lock), the CLI reads and edits.
    public enum Access: Sendable {
        /// `tattle run`: the SQLite file is locked for this process (PostgreSQL needs no lock: leases).
        case daemon
        /// `tattle deliveries`, `replay`, `events`, `silence`: no lock; a missing SQLite file is an error.
        case command
    }

    /// The store, whichever it is.
    public let database: any StateDatabase
    /// The lease rows, on PostgreSQL only (the SQLite file has one writer and no leases).
    public let leases: (any LeaseStore)?
    public let location: StoreLocation
    private let sqlite: SQLiteStore?
    private let lock: StateDirectoryLock?
    private let clientGroup: ServiceGroup?
    private let clientTask: Task<Void, Never>?

    private init(
        database: any StateDatabase, leases: (any LeaseStore)?, location: StoreLocation, sqlite: SQLiteStore?,
        lock: StateDirectoryLock?, clientGroup: ServiceGroup?, clientTask: Task<Void, Never>?
    ) {
        self.database = database
        self.leases = leases
        self.location = location
        self.sqlite = sqlite
        self.lock = lock
        self.clientGroup = clientGroup
        self.clientTask = clientTask
    }

    /// Opens the database at `location`. PostgreSQL: starts the client and runs pending migrations.
    ///
    /// - Throws: ``ConfigurationError`` naming the problem: the state directory in use by another
    ///   writer, no SQLite file for a command, an unreachable or newer PostgreSQL database.
    public static func open(
        _ location: StoreLocation, access: Access, logger: Logger = Logger(label: "tattle.store")
    ) async throws -> StoreConnection {
        switch location {
        case .stateDirectory(let directory):
            var lock: StateDirectoryLock?
            if access == .daemon {
                do { lock = try StateDirectoryLock(directory: directory) } catch let error as StateDirectoryLock.Held {
                    throw ConfigurationError(error.description)
                } catch {
                    throw ConfigurationError("cannot lock the state directory \(directory.path): \(error)")
                }
            } else {
                let file = directory.appendingPathComponent(SQLiteStore.fileName)
                guard FileManager.default.fileExists(atPath: file.path) else {
                    throw StoreError.invalidArgument(
                        "no state database at \(file.path); pass --state-dir or set TATTLE_STATE_DIR to the daemon's "
                            + "(or --store / TATTLE_STORE for PostgreSQL)")
                }
            }
            let store: SQLiteStore
            do { store = try SQLiteStore(directory: directory) } catch {
                throw ConfigurationError("cannot open the state database in \(directory.path): \(error)")
            }
            return StoreConnection(
                database: store, leases: nil, location: location, sqlite: store, lock: lock, clientGroup: nil,
                clientTask: nil)
        case .postgres(let address):
            let store = PostgresStore(address: address, logger: logger)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: [store.client], logger: logger))
            let task = Task { _ = try? await group.run() }
            let connection = StoreConnection(
                database: store, leases: store, location: location, sqlite: nil, lock: nil, clientGroup: group,
                clientTask: task)
            // A server that is not there says so at once (the pool would only queue until the timeout).
            if let problem = await store.healthProblem() {
                await connection.close()
                throw ConfigurationError("cannot use the state database \(address): \(problem)")
            }
            do {
                let applied = try await store.migrate()
                if !applied.isEmpty {
                    logger.notice(
                        "state database migrated",
                        metadata: ["store": "\(address)", "steps": "\(applied.joined(separator: ","))"])
                }
            } catch {
                await connection.close()
                throw ConfigurationError("cannot use the state database \(address): \(error)")
            }
            return connection
        }
    }

    /// Runs `body` with the database at `location` opened for a command, and closes it afterwards.
    public static func withDatabase<T: Sendable>(
        _ location: StoreLocation, _ body: (any StateDatabase) async throws -> T
    ) async throws -> T {
        let connection = try await open(location, access: .command, logger: Logger(label: "tattle.store"))
        do {
            let result = try await body(connection.database)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Closes the database: the SQLite connections, or the PostgreSQL client (gracefully, after
    /// what uses it has stopped). Releases the state directory's lock.
    public func close() async {
        try? sqlite?.close()
        if let clientGroup {
            await clientGroup.triggerGracefulShutdown()
            await clientTask?.value
        }
        withExtendedLifetime(lock) {}
    }
}
