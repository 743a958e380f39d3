import Foundation
import PostgresStore
import Store
import TestSupport
import Testing

/// The stores the behaviour tests run against: every `@Test(arguments: Backend.allCases)` runs once
/// on an in-memory SQLite store and once on a fresh database of a real PostgreSQL 15 server.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { self == .sqlite ? "SQLite" : "PostgreSQL" }

    /// Runs `body` with an empty store whose bookkeeping clock is `now` (default: `t0`).
    func withStore(
        now: @escaping @Sendable () -> Date = { t0 }, _ body: (any StateDatabase) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            try await body(SQLiteStore.inMemory(configuration: .init(now: now)))
        case .postgres:
            try await PostgresServer.shared().withStore(configuration: .init(now: now)) { store in
                try await body(store)
            }
        }
    }
}
