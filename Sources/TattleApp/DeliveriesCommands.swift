import Events
import Foundation
import Outbox
import Store

/// The work behind `tattle deliveries` and `tattle replay`: open the state database, read or
/// re-queue outbox rows, and return the text to print. The executable only parses arguments.
///
/// Receivers appear by name only: the store never holds webhook URLs or credentials, and errors
/// were redacted before they were stored.
public enum DeliveriesCommands {
    /// Which rows `tattle deliveries --state` lists.
    public enum Filter: String, CaseIterable, Sendable {
        /// Waiting (first attempt or retry) or being sent now.
        case pending
        /// Waiting for a retry: pending and attempted at least once.
        case retrying
        /// Given up; `tattle replay` re-queues them.
        case dead
        /// Kept for a receiver no longer in the rules file; sent if it returns, dead at the age limit.
        case held
        /// Accepted by the receiver (kept for the retention period, 7 days by default).
        case delivered
        /// Suppressed by a silence (`tattle silence`); never sent.
        case silenced
        /// Every row.
        case all

        var states: Set<DeliveryState> {
            switch self {
            case .pending, .retrying: [.pending, .inFlight]
            case .dead: [.dead]
            case .held: [.held]
            case .delivered: [.delivered]
            case .silenced: [.silenced]
            case .all: Set(DeliveryState.allCases)
            }
        }
    }

    /// What a command prints and whether it fully succeeded (the executable maps it to an exit code).
    public struct Output: Sendable, Hashable {
        public var text: String
        public var succeeded: Bool

        public init(text: String, succeeded: Bool = true) {
            self.text = text
            self.succeeded = succeeded
        }
    }

    /// Opens the state database in `directory` for the CLI, refusing to create one: a mistyped
    /// `--state-dir` should say so rather than show an empty outbox.
    public static func openStore(directory: URL) throws -> SQLiteStore {
        let file = directory.appendingPathComponent(SQLiteStore.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw StoreError.invalidArgument(
                "no state database at \(file.path); pass --state-dir or set TATTLE_STATE_DIR to the daemon's")
        }
        return try SQLiteStore(directory: directory)
    }

    /// `tattle deliveries`: a table (or JSON array) of rows, newest first.
    public static func list(
        store: any StateDatabase, filter: Filter, limit: Int, json: Bool, now: Date = Date()
    ) async throws -> Output {
        let rows = try await store.rows(in: filter.states, attemptedOnly: filter == .retrying, limit: limit)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            let data = try encoder.encode(rows.map(DeliveryListing.init))
            return Output(text: String(decoding: data, as: UTF8.self))
        }
        guard !rows.isEmpty else { return Output(text: "No \(filter == .all ? "" : filter.rawValue + " ")deliveries.") }
        return Output(text: DeliveriesTable.render(rows, now: now))
    }

    /// `tattle replay`: re-queues the given dead rows, or every dead row when `ids` is `nil`.
    /// Fails (exit status) when a given id is unknown or not dead; the dead ones are still replayed.
    public static func replay(store: any StateDatabase, ids: [Int64]?, now: Date = Date()) async throws -> Output {
        guard let ids else {
            let count = try await store.replay(ids: nil, now: now)
            return Output(text: "Re-queued \(count) dead \(count == 1 ? "delivery" : "deliveries").")
        }
        let found = try await store.rows(ids: ids)
        let dead = found.filter { $0.state == .dead }.map(\.id)
        let count = try await store.replay(ids: dead, now: now)
        var lines = ["Re-queued \(count) dead \(count == 1 ? "delivery" : "deliveries")."]
        let states = Dictionary(found.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
        let skipped = Array(Set(ids).subtracting(dead)).sorted()
        for id in skipped {
            lines.append(
                "Skipped \(id): " + (states[id].map { "it is \($0.rawValue), not dead" } ?? "no such delivery"))
        }
        return Output(text: lines.joined(separator: "\n"), succeeded: skipped.isEmpty)
    }
}

/// One row as `tattle deliveries --json` prints it. Field names are stable for scripts.
struct DeliveryListing: Encodable {
    var id: Int64
    var state: String
    var receiver: String
    var rule: String
    var groupKey: String?
    var eventId: String
    var idempotencyKey: String
    var eventType: String
    var region: String
    /// The event's account (absent for events stored before accounts existed).
    var account: String?
    var invocationId: String
    var taskId: String?
    var previousStatus: String?
    var status: String
    var isRecovery: Bool
    var attempts: Int
    var nextAttemptAt: Date
    var notBefore: Date
    var createdAt: Date
    var lastError: String?
    var responseExcerpt: String?
    /// The silence that suppressed the row (state `silenced`).
    var silenceId: String?

    init(_ row: OutboxRow) {
        id = row.id
        state = DeliveriesTable.displayState(row)
        receiver = row.dispatch.receiver
        rule = row.dispatch.rule
        groupKey = row.dispatch.groupKey.isEmpty ? nil : row.dispatch.groupKey
        eventId = row.event.id
        idempotencyKey = row.dispatch.idempotencyKey
        eventType = row.event.type.rawValue
        region = row.event.region
        account = row.event.account
        invocationId = row.event.invocation.id
        taskId = row.event.task?.id
        previousStatus = row.event.previousStatus?.rawValue
        status = row.event.status.rawValue
        isRecovery = row.dispatch.isRecovery
        attempts = row.attempts
        nextAttemptAt = row.nextAttemptAt
        notBefore = row.dispatch.notBefore
        createdAt = row.createdAt
        lastError = row.lastError
        responseExcerpt = row.responseExcerpt
        silenceId = row.silenceId
    }
}
