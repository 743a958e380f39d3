import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    /// Runs `body` in one transaction on one pooled connection: all of it commits, or none of it.
    /// A deadlock or serialization failure (another replica's transaction crossed this one) is
    /// retried up to three times; the server being unreachable becomes ``StoreError/unavailable(_:)``.
    @discardableResult
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T
    {
        let logger = logger
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await bounded {
                    try await self.client.withTransaction(logger: logger) { connection in
                        try await body(connection)
                    }
                }
            } catch let error as StoreError {
                throw error
            } catch {
                let mapped = Self.mapped(error)
                if attempt < 3, Self.isTransient(error) { continue }
                throw mapped
            }
        }
    }

    /// Runs one statement on its own (autocommit: atomic without `BEGIN`/`COMMIT`, two round trips
    /// fewer than ``transaction(_:)``), with the same retry of transient conflicts and error mapping.
    @discardableResult
    func execute(_ statement: PostgresQuery) async throws -> PostgresQueryCount {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await read { connection in
                    var rows = 0
                    for try await _ in try await connection.query(statement, logger: self.logger) { rows += 1 }
                    return PostgresQueryCount(rows: rows)
                }
            } catch {
                if attempt < 3, Self.isTransient(error) { continue }
                throw error
            }
        }
    }

    /// Runs `body` on one pooled connection outside a transaction (reads: one statement each).
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await bounded {
                try await self.client.withConnection { connection in try await body(connection) }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.mapped(error)
        }
    }

    /// `operation`, failing as unavailable after ``Configuration/operationTimeout``: a server that
    /// does not answer (stopped, partitioned, half-open connection) must not hang a poll or a claim.
    func bounded<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = configuration.operationTimeout
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw StoreError.unavailable("no answer within \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }

    /// Whether `error` is a deadlock or serialization failure, which heal by running again.
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PostgresError { return error.sqlState == "40P01" || error.sqlState == "40001" }
        guard let error = underlying(error) as? PSQLError, error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }

    /// The error a caller sees: the store's own errors unchanged; a connection failure or a server
    /// going away as ``StoreError/unavailable(_:)``; any other server error as a ``PostgresError``
    /// that says what failed (postgres-nio's own description hides everything).
    static func mapped(_ error: any Error) -> any Error {
        let error = underlying(error)
        switch error {
        case let error as StoreError: return error
        case is CancellationError: return error
        case let error as PSQLError:
            if error.code == .server, let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = info[.message] ?? "server error"
                // Class 08 (connection exception), 57P0x (shutdown, crash, cannot connect now), 53 (resources).
                if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                    return StoreError.unavailable("PostgreSQL: \(message) (\(state))")
                }
                return PostgresError(sqlState: state, message: message, detail: info[.detail])
            }
            return StoreError.unavailable(describe(error))
        default:
            return StoreError.unavailable(String(describing: error))
        }
    }

    /// The error inside postgres-nio's transaction wrapper.
    private static func underlying(_ error: any Error) -> any Error {
        guard let wrapped = error as? PostgresTransactionError else { return error }
        return wrapped.closureError ?? wrapped.beginError ?? wrapped.commitError ?? wrapped
    }

    /// A connection-level failure in words: the postgres-nio code and what lies under it
    /// (`connection refused`, a TLS failure). Neither holds the password.
    static func describe(_ error: PSQLError) -> String {
        var text = "PostgreSQL \(error.code)"
        if let underlying = error.underlying { text += ": \(underlying)" }
        return text
    }
}

/// An error the PostgreSQL server reported for a statement (not a lost connection).
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The SQLSTATE code, e.g. `23505`.
    public var sqlState: String
    /// The server's message.
    public var message: String
    /// The server's detail line, if any.
    public var detail: String?

    public var description: String {
        "PostgreSQL error \(sqlState): \(message)" + (detail.map { " (\($0))" } ?? "")
    }
}

/// How many rows a statement run by ``PostgresStore/execute(_:)`` returned.
struct PostgresQueryCount: Sendable {
    var rows: Int
}
