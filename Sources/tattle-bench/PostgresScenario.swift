import Curl
import Foundation
import PostgresStore
import Store
import TestSupport

/// The outbox on PostgreSQL next to SQLite, in the same run: the same 3,000 dispatches committed in
/// one cycle, then delivered by the Dispatcher (claims `FOR UPDATE SKIP LOCKED`, renders, POSTs to
/// the local sink, marks delivered) — the path of ``OutboxScenario``, once per store.
///
/// The PostgreSQL 15 server is started here (initdb in a temporary directory, loopback) with
/// `fsync=on` and `synchronous_commit=off`: like SQLite's `synchronous=NORMAL` in WAL mode, a crash
/// of the process loses nothing committed and an OS crash may lose the last transactions.
enum PostgresScenario {
    static func run(rows: Int = 3000) async throws -> [Figure] {
        let server = try await PostgresServer.launch(durable: true)
        defer { server.destroy() }
        let sink = try WebhookSink(recordArrivals: false)
        let port = try await sink.start()
        defer { Task { await sink.stop() } }
        let curl = CurlClient(configuration: .init(maxConnectionsPerHost: OutboxScenario.concurrency))

        // Warm both paths, then SQLite first and PostgreSQL second, each on a fresh store.
        _ = try await OutboxScenario.outbox(rows: 200, port: port, curl: curl, sink: sink)
        _ = try await server.withStore { store in
            try await OutboxScenario.outbox(rows: 200, port: port, curl: curl, store: store).rate
        }
        let sqlite = try await OutboxScenario.outbox(rows: rows, port: port, curl: curl, sink: sink)
        let postgres = try await server.withStore { store in
            try await OutboxScenario.outbox(rows: rows, port: port, curl: curl, store: store)
        }
        let ratio = postgres.rate / sqlite.rate
        return [
            Figure(
                name: "deliveries/s through the PostgreSQL outbox (\(rows) rows)", value: postgres.rate, unit: "/s",
                baseline: sqlite.rate, baselineName: "the SQLite outbox", target: "≥ 0.5× SQLite",
                met: ratio >= 0.5 && postgres.delivered == rows,
                note: String(
                    format: "%.2f× SQLite; %d/%d delivered; commit of the rows %.0f ms on PostgreSQL, %.0f ms on "
                        + "SQLite (not counted); PostgreSQL 15 on loopback, fsync on, synchronous_commit off",
                    ratio, postgres.delivered, rows, postgres.commitMs, sqlite.commitMs))
        ]
    }
}
