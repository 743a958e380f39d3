import GRDB
import Synchronization

/// Combines the state writes that follow deliveries (delivered, retry, postpone, dead, hold) into
/// shared transactions: SQLite has one writer, and a transaction per delivery makes every worker
/// wait its turn behind all the others. A write that finds the writer free goes at once; writes
/// that arrive while one is being written queue up, and the next of them writes the whole queue in
/// one transaction (the others only wait for its result). Each statement is the same one a lone
/// write would run; if a combined transaction fails, its statements are retried one transaction
/// each, so every caller gets the outcome of its own write.
///
/// The caller that writes a round is always one of the waiting callers (no task is started here),
/// and it writes one round only: then it hands the turn to the oldest write queued meanwhile.
final class SettleQueue: Sendable {
    /// One `UPDATE` and its arguments.
    struct Statement: Sendable {
        var sql: String
        var arguments: StatementArguments
    }

    /// What a queued write is told when it is resumed.
    private enum Turn {
        /// It was written in another caller's transaction, with this outcome.
        case written(Result<Void, any Error>)
        /// It is its turn to write (its own statement and whatever queued behind it).
        case write
    }

    private struct Waiter {
        var statement: Statement
        var continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        /// Whether some caller is writing a round now.
        var writing = false
        var queue: [Waiter] = []
    }

    private let state = Mutex(State())

    /// Writes waiting for the turn (for tests).
    var queued: Int { state.withLock { $0.queue.count } }

    /// Runs `statement` in a transaction of `writer`, shared with the writes queued meanwhile.
    func run(_ statement: Statement, on write: Writer) async throws {
        let first = state.withLock { state in
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if !first {
            let turn = await withCheckedContinuation { continuation in
                let enqueued = state.withLock { state in
                    guard state.writing else {
                        state.writing = true
                        return false
                    }
                    state.queue.append(Waiter(statement: statement, continuation: continuation))
                    return true
                }
                // The writer finished in between: this caller writes now.
                if !enqueued { continuation.resume(returning: .write) }
            }
            if case .written(let result) = turn { return try result.get() }
        }
        try await writeRound(statement, on: write)
    }

    /// Writes `own` and everything queued in one transaction, resumes the queued writers, then
    /// passes the turn on (or frees the writer).
    private func writeRound(_ own: Statement, on write: Writer) async throws {
        let others = state.withLock { state in
            defer { state.queue.removeAll() }
            return state.queue
        }
        let statements = [own] + others.map(\.statement)
        var outcomes: [Result<Void, any Error>]
        do {
            try await write { db in for statement in statements { try Self.execute(statement, db) } }
            outcomes = Array(repeating: .success(()), count: statements.count)
        } catch {
            outcomes = [.failure(error)]
            if statements.count > 1 {
                // Isolate the failure: each statement on its own.
                outcomes = []
                for statement in statements {
                    do {
                        try await write { db in try Self.execute(statement, db) }
                        outcomes.append(.success(()))
                    } catch {
                        outcomes.append(.failure(error))
                    }
                }
            }
        }
        for (waiter, outcome) in zip(others, outcomes.dropFirst()) {
            waiter.continuation.resume(returning: .written(outcome))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.queue.isEmpty else {
                state.writing = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: .write)
        try outcomes[0].get()
    }

    /// One transaction on the store's writer.
    typealias Writer = @Sendable (@escaping @Sendable (Database) throws -> Void) async throws -> Void

    private static func execute(_ statement: Statement, _ db: Database) throws {
        try db.cachedStatement(sql: statement.sql).execute(arguments: statement.arguments)
    }
}
