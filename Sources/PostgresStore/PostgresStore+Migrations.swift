import Foundation
import PostgresNIO
import Store

extension PostgresStore {
    /// The transaction-level advisory lock that serialises migrations when several replicas start at
    /// once (released at commit; never a session lock, see `docs/ha.md`).
    static let migrationLock: Int64 = 0x7461_7474_6c65  // "tattle"

    /// Brings the schema up to date: runs, in one transaction, every step of ``PostgresSchema/steps``
    /// not yet recorded in `schema_migrations`. Returns the names it applied.
    ///
    /// - Throws: ``StoreError/newerSchema`` when the database records a step this build does not know
    ///   (a newer Tattle migrated it); ``StoreError/unavailable(_:)`` when the server cannot be reached.
    @discardableResult
    public func migrate() async throws -> [String] {
        let now = configuration.now().unixSeconds
        return try await transaction { connection in
            let logger = self.logger
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    seq bigint GENERATED ALWAYS AS IDENTITY, name text PRIMARY KEY, applied_at float8 NOT NULL)
                """,
                logger: logger)
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(name)
            }
            let known = Set(PostgresSchema.steps.map(\.name))
            guard applied.isSubset(of: known) else { throw StoreError.newerSchema }
            var ran: [String] = []
            for step in PostgresSchema.steps where !applied.contains(step.name) {
                for statement in step.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (\(step.name), \(now))", logger: logger)
                ran.append(step.name)
            }
            return ran
        }
    }

    /// The names recorded in `schema_migrations`, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await read { connection in
            var names: [String] = []
            for try await name in try await connection.query(
                "SELECT name FROM schema_migrations ORDER BY seq", logger: self.logger
            ).decode(String.self) {
                names.append(name)
            }
            return names
        }
    }
}
