import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Store
import Synchronization

/// Publishes the outbox gauges every few seconds, prunes old history once an hour (delivered rows
/// after 7 days, dead letters and noise memory after their retention, default 30 days) and checks
/// the database every ``integrityInterval`` (SQLite's `quick_check`, a PostgreSQL round trip) so
/// `/readyz` only reads its last result.
struct Housekeeping: Service {
    let store: any StateDatabase
    let logger: Logger
    /// The latest integrity check, read by `/readyz`.
    let health: DatabaseHealth
    /// How long each kind of history is kept. Default ``Store/Retention/init(delivered:dead:noise:)``.
    var retention = Retention()
    /// How often the gauges refresh; default 5 s.
    var interval: Duration = .seconds(5)
    /// How often the database check runs; default 10 min (0: every ``interval``).
    var integrityInterval: TimeInterval = 600

    func run() async throws {
        let pending = Gauge(label: "tattle_outbox_pending")
        let inFlight = Gauge(label: "tattle_outbox_in_flight")
        let dead = Gauge(label: "tattle_outbox_dead")
        let held = Gauge(label: "tattle_outbox_held")
        let silenced = Gauge(label: "tattle_outbox_silenced")
        let oldest = Gauge(label: "tattle_outbox_oldest_pending_age_seconds")
        var lastPrune = Date.distantPast
        var lastCheck = Date()
        while !Task.isCancelledOrShuttingDown {
            if Date().timeIntervalSince(lastCheck) >= integrityInterval {
                lastCheck = Date()
                await health.check(store, logger: logger)
            }
            // Unreachable: the check above says so once; the queries below would only fail again.
            guard !health.isUnavailable else {
                try? await Task.sleep(for: interval)
                continue
            }
            do {
                let stats = try await store.stats(now: Date())
                pending.record(stats.pending)
                inFlight.record(stats.inFlight)
                dead.record(stats.dead)
                held.record(stats.held)
                silenced.record(stats.silenced)
                oldest.record(stats.oldestPendingAge)
                if Date().timeIntervalSince(lastPrune) > 3600 {
                    let result = try await store.prune(retention, now: Date())
                    lastPrune = Date()
                    logger.debug("pruned old history", metadata: ["result": "\(result)"])
                }
            } catch {
                logger.warning("outbox statistics failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// The result of the latest database check (SQLite: `PRAGMA quick_check`; PostgreSQL: a round trip),
/// run at start and periodically by ``Housekeeping``, so a readiness probe costs a lock, not a scan
/// of the database. A change is logged once (not at every check) and shown by the gauge
/// `tattle_state_database_up` (1 or 0).
final class DatabaseHealth: Sendable {
    private let latest = Mutex<(problem: String?, unavailable: Bool)>((nil, false))
    private let gauge = Gauge(label: "tattle_state_database_up")

    /// The latest check's problem, or `nil` when it passed (and before the first).
    var problem: String? { latest.withLock { $0.problem } }
    /// Whether the latest check passed (true before the first).
    var isHealthy: Bool { problem == nil }
    /// Whether the latest check found the database unreachable (rather than damaged).
    var isUnavailable: Bool { latest.withLock { $0.unavailable } }

    /// Runs the check and keeps its result.
    func check(_ store: any StateDatabase, logger: Logger) async {
        let problem = await store.healthProblem()
        let unavailable = problem?.contains("unavailable") == true
        let before = latest.withLock { state in
            defer { state = (problem, unavailable) }
            return state.problem
        }
        gauge.record(problem == nil ? 1 : 0)
        switch (before, problem) {
        case (nil, let problem?):
            logger.error("state database check failed", metadata: ["problem": "\(problem)"])
        case (.some, nil):
            logger.notice("state database check passed again")
        default:
            break
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task is cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
