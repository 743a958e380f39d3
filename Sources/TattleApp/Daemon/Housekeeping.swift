import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Store

/// Publishes the outbox gauges every few seconds and prunes delivered rows once an hour.
struct Housekeeping: Service {
    let store: SQLiteStore
    let logger: Logger
    /// How often the gauges refresh; default 5 s.
    var interval: Duration = .seconds(5)

    func run() async throws {
        let pending = Gauge(label: "tattle_outbox_pending")
        let inFlight = Gauge(label: "tattle_outbox_in_flight")
        let dead = Gauge(label: "tattle_outbox_dead")
        let oldest = Gauge(label: "tattle_outbox_oldest_pending_age_seconds")
        var lastPrune = Date.distantPast
        while !Task.isCancelledOrShuttingDown {
            do {
                let stats = try await store.stats(now: Date())
                pending.record(stats.pending)
                inFlight.record(stats.inFlight)
                dead.record(stats.dead)
                oldest.record(stats.oldestPendingAge)
                if Date().timeIntervalSince(lastPrune) > 3600 {
                    let result = try await store.prune(now: Date())
                    lastPrune = Date()
                    logger.debug("pruned delivered notifications", metadata: ["result": "\(result)"])
                }
            } catch {
                logger.warning("outbox statistics failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the current task is cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
