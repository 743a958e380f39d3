import Events
import Foundation
import Outbox
import Rules
import Store
import TattleApp

/// The status page's cost on a big state database: `GET /`'s work (read the outbox counts per
/// receiver, the 50 newest events with their notifications, the dead letters and silences; render
/// the HTML) on a file-backed store holding `rows` outbox rows (delivered, dead and pending across
/// five receivers), next to what `tattle deliveries --json` does for its default 50 rows on the same
/// store in the same run. Medians of 20 runs after 3 warm-ups.
enum StatusPageScenario {
    static let receivers = ["ops-wecom", "dba-mail", "audit", "slack-sre", "teams-oncall"]

    static func run(rows: Int = 20_000) async throws -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tattle-bench-status-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        defer { try? store.close() }
        try await fill(store, rows: rows)
        let sources = StatusSources(
            store: store, holder: RulesHolder(engine: try LatencyScenario.engine(rulesText)), rulesFile: "rules.json",
            regions: { [] }, reloadStatus: ReloadStatus(),
            reload: { nil }, token: AdminToken(nil))

        var bytes = 0
        let page = try await median {
            bytes = try await StatusServer.overviewHTML(sources).utf8.count
        }
        let listing = try await median {
            _ = try await DeliveriesCommands.list(store: store, filter: .all, limit: 50, json: true)
        }
        return [
            Figure(
                name: "status page (GET / work) with \(rows) outbox rows", value: page, unit: "ms", baseline: listing,
                baselineName: "tattle deliveries --json (50 rows)", target: "≤ 250 ms", met: page <= 250,
                note: String(format: "%.1f× the CLI listing; page %d KB", page / listing, bytes / 1024))
        ]
    }

    static let rulesText = """
        {"version": 1,
         "receivers": {\(receivers.map { "\"\($0)\": {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/\($0)\"}" }
            .joined(separator: ", "))},
         "rules": [{"name": "all", "match": {"type": "invocation.status_changed"}, "receivers": ["ops-wecom"]}]}
        """

    /// `rows` events, one notification each, spread over the receivers; most delivered, 2% dead.
    static func fill(_ store: SQLiteStore, rows: Int) async throws {
        let batch = OutboxScenario.events(rows, tag: "status")
        let past = Date().addingTimeInterval(-3600)
        try await store.commit(
            CycleCommit(
                region: "bench", events: batch,
                dispatches: batch.enumerated().map { index, event in
                    Dispatch(eventId: event.id, receiver: receivers[index % receivers.count], rule: "all", notBefore: past)
                }))
        var claimed: [Int64] = []
        while true {
            let due = try await store.claimDue(now: Date(), limit: 1000).map(\.id)
            if due.isEmpty || claimed.count + due.count > rows - rows / 10 {
                try await store.recoverInFlight()
                break
            }
            claimed += due
        }
        let dead = claimed.count / 50
        try await store.markDead(ids: Array(claimed.prefix(dead)), error: "HTTP 400: bad request", responseExcerpt: nil)
        try await store.markDelivered(ids: Array(claimed.dropFirst(dead)), at: Date())
    }

    static func median(_ body: () async throws -> Void) async throws -> Double {
        let clock = ContinuousClock()
        for _ in 0..<3 { try await body() }
        var samples: [Double] = []
        for _ in 0..<20 {
            let started = clock.now
            try await body()
            samples.append((clock.now - started).milliseconds)
        }
        return samples.sorted()[samples.count / 2]
    }
}
