import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Store
import Synchronization

/// Publishes the outbox gauges every few seconds, prunes old history once an hour (delivered rows
/// after 7 days, dead letters and noise memory after their retention, default 30 days) and runs the
/// database's `quick_check` every ``integrityInterval`` so `/readyz` only reads its last result.
struct Housekeeping: Service {
    let store: SQLiteStore
    let logger: Logger
    /// The latest integrity check, read by `/readyz`.
    let health: DatabaseHealth
    /// How long each kind of history is kept. Default ``SQLiteStore/Retention/init(delivered:dead:noise:)``.
    var retention = SQLiteStore.Retention()
    /// How often the gauges refresh; default 5 s.
    var interval: Duration = .seconds(5)
    /// How often the integrity check runs; default 10 min.
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
                if Date().timeIntervalSince(lastCheck) > integrityInterval {
                    lastCheck = Date()
                    await health.check(store, logger: logger)
                }
            } catch {
                logger.warning("outbox statistics failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// The result of the latest `PRAGMA quick_check`: run at start and periodically by
/// ``Housekeeping``, so a readiness probe costs a lock, not a scan of the database.
final class DatabaseHealth: Sendable {
    private let healthy = Mutex(true)

    /// Whether the latest check passed (true before the first).
    var isHealthy: Bool { healthy.withLock { $0 } }

    /// Runs the check and keeps its result.
    func check(_ store: SQLiteStore, logger: Logger) async {
        let result = try? await store.pragma("quick_check")
        let passed = result == "ok"
        healthy.withLock { $0 = passed }
        if !passed { logger.error("state database integrity check failed", metadata: ["result": "\(result ?? "error")"]) }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task is cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
