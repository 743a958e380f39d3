import Foundation
import GRDB
import Timekeeping

/// The SQLite implementation of ``StateStore`` and ``OutboxStore``: one file, `tattle.sqlite`, in
/// WAL mode, shared by the watcher, the delivery workers and the `tattle deliveries`/`replay` CLI.
///
/// A file store uses a GRDB `DatabasePool`: one writer connection plus readers, so that status
/// reads (`stats`, `rows`, `nextDueTime`) never wait behind a long commit. Every write runs in one
/// `BEGIN IMMEDIATE` transaction, so a second process (the CLI) waits on `busy_timeout` instead of
/// failing a read-then-write upgrade. The schema is documented on `Schema` and in `docs/state.md`.
///
/// Durability: ``Configuration/Synchronous-swift.enum/normal`` (the default) in WAL mode survives
/// a process crash at any point; a power loss or kernel crash can drop the last transactions.
/// That keeps Tattle's invariant — a lost commit loses the snapshot advance *and* its outbox rows
/// together, and the next poll re-detects the change with the same event ids; a lost
/// `markDelivered` means one duplicate, which receivers can drop by idempotency key.
/// ``Configuration/Synchronous-swift.enum/full`` fsyncs every commit (see `docs/state.md` for the cost).
public final class SQLiteStore: Sendable {
    /// How the store opens and keeps its database.
    public struct Configuration: Sendable {
        /// The `PRAGMA synchronous` level.
        public enum Synchronous: String, Sendable {
            /// fsync at checkpoints only: safe against process crashes. The default.
            case normal = "NORMAL"
            /// fsync the WAL on every commit: also safe against power loss, slower.
            case full = "FULL"
        }

        /// How long a write waits for another process's lock before failing. Default 5 s.
        public var busyTimeout: Duration
        /// Durability level. Default ``Synchronous-swift.enum/normal``.
        public var synchronous: Synchronous
        /// The clock for `created_at`/`updated_at` stamps the protocols do not pass. Default `Date()`.
        public var now: @Sendable () -> Date
        /// Who this process is when it claims outbox rows (`claimed_by`): a write about a row that
        /// another claimer holds now is not applied. Default host name, process id and a random suffix.
        public var claimer: String

        /// Creates a configuration; every argument has the default stated on its property.
        public init(
            busyTimeout: Duration = .seconds(5), synchronous: Synchronous = .normal,
            now: @escaping @Sendable () -> Date = { Date() }, claimer: String = Configuration.defaultClaimer()
        ) {
            self.busyTimeout = busyTimeout
            self.synchronous = synchronous
            self.now = now
            self.claimer = claimer
        }

        /// `host:pid:random` — unique per process.
        public static func defaultClaimer() -> String {
            let info = ProcessInfo.processInfo
            return "\(info.hostName):\(info.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
        }
    }

    /// The database file's name inside the state directory.
    public static let fileName = "tattle.sqlite"

    let writer: any DatabaseWriter
    let configuration: Configuration
    /// Compiled silences, reused across commits while the active set stays the same.
    let silenceCache = SilenceCache()
    /// Delivery state writes waiting for the writer, written together (shared by ``withClaimer(_:)``
    /// views of the same database).
    let settleQueue: SettleQueue
    /// The database file, or `nil` for an in-memory store.
    public let fileURL: URL?

    /// Opens (creating if needed) `directory/tattle.sqlite`, creating `directory` with mode 0700,
    /// and runs pending migrations.
    ///
    /// - Throws: ``StoreError/newerSchema`` when a newer Tattle already migrated the file; GRDB's
    ///   `DatabaseError` when the file cannot be opened.
    public init(directory: URL, configuration: Configuration = Configuration()) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent(Self.fileName)
        let pool = try DatabasePool(path: file.path, configuration: Self.grdbConfiguration(configuration))
        // After the pool's own WAL set-up, which sets NORMAL on the writer connection.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(configuration.synchronous.rawValue)")
        }
        try Self.migrate(pool)
        self.writer = pool
        self.configuration = configuration
        self.fileURL = file
        self.settleQueue = SettleQueue()
    }

    /// A store in memory, for tests: same schema and behaviour, gone when released.
    public static func inMemory(configuration: Configuration = Configuration()) throws -> SQLiteStore {
        let queue = try DatabaseQueue(configuration: grdbConfiguration(configuration))
        try migrate(queue)
        return SQLiteStore(writer: queue, configuration: configuration)
    }

    private init(
        writer: any DatabaseWriter, configuration: Configuration, fileURL: URL? = nil,
        settleQueue: SettleQueue = SettleQueue()
    ) {
        self.writer = writer
        self.configuration = configuration
        self.fileURL = fileURL
        self.settleQueue = settleQueue
    }

    /// The same database seen by another outbox claimer (another worker pool; in tests, a second
    /// replica): its claims and writes carry `claimer`.
    public func withClaimer(_ claimer: String) -> SQLiteStore {
        var configuration = configuration
        configuration.claimer = claimer
        return SQLiteStore(writer: writer, configuration: configuration, fileURL: fileURL, settleQueue: settleQueue)
    }

    /// Closes the database connections. Later calls throw. Uncommitted work does not exist here:
    /// every method commits or rolls back before returning.
    public func close() throws {
        try writer.close()
    }

    /// The first value `PRAGMA name` returns on the writer connection, as text (diagnostics and
    /// tests: `journal_mode`, `synchronous`, `integrity_check`, `page_count`…). Only names made
    /// of letters and underscores are accepted.
    public func pragma(_ name: String) async throws -> String? {
        guard !name.isEmpty, name.allSatisfy({ $0 == "_" || ($0.isASCII && $0.isLetter) }) else {
            throw StoreError.invalidArgument("not a pragma name: \(name)")
        }
        return try await writer.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA \(name)")
        }
    }

    private static func grdbConfiguration(_ configuration: Configuration) -> GRDB.Configuration {
        var config = GRDB.Configuration()
        config.busyMode = .timeout(configuration.busyTimeout.seconds)
        config.foreignKeysEnabled = true
        config.label = "tattle.state"
        return config
    }

    private static func migrate(_ writer: any DatabaseWriter) throws {
        let migrator = Schema.migrator
        let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
        guard !superseded else { throw StoreError.newerSchema }
        try migrator.migrate(writer)
    }

    /// Runs `updates` in one `BEGIN IMMEDIATE` transaction: all of it commits, or none of it.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try updates(db)
                return .commit
            }
            guard let result else { throw StoreError.invalidArgument("transaction produced no result") }
            return result
        }
    }

    /// Runs `value` on a reader (a snapshot of the last commit).
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(value)
    }
}

extension Date {
    /// Seconds since the Unix epoch, the form every time column holds (in both stores).
    package var unixSeconds: Double { timeIntervalSince1970 }
}
