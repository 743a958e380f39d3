import Foundation
import Logging
import PostgresNIO
import PostgresStore

extension PostgresServer {
    /// A logger that drops everything: postgres-nio's background messages stay out of test output.
    public static let quietLogger = Logger(label: "tattle.test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a migrated ``PostgresStore/PostgresStore`` on a fresh database of this server,
    /// its client running for as long as `body` does; the database is dropped afterwards, whatever
    /// `body` did.
    public func withStore<T: Sendable>(
        configuration: PostgresStore.Configuration = PostgresStore.Configuration(),
        _ body: (PostgresStore) async throws -> T
    ) async throws -> T {
        let name = try await createDatabase()
        let store = PostgresStore(
            address: try PostgresAddress(url: url(database: name)), configuration: configuration,
            logger: Self.quietLogger)
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { group in
            group.addTask { await store.client.run() }
            defer { group.cancelAll() }
            do {
                try await store.migrate()
                return .success(try await body(store))
            } catch {
                return .failure(error)
            }
        }
        try? await dropDatabase(name)
        return try result.get()
    }
}
