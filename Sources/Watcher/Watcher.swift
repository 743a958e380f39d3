import Events
import Foundation
import Logging
import Metrics

/// Watches TAT invocations of one account (the default one) in every configured region: one
/// ``RegionPoller`` per region, each polling on its own schedule with its own backoff, all handing
/// their cycles to one ``CycleSink``. The daemon, which watches several accounts and changes them on
/// reload, runs its pollers through a ``WatchSupervisor`` instead.
public final class Watcher: Sendable {
    /// How the watcher polls.
    public let configuration: Configuration
    /// One poller per configured region, in configuration order.
    public let pollers: [RegionPoller]
    let clock: any Clock<Duration>
    let logger: Logger

    /// Creates a watcher. Nothing runs until ``run()`` or ``pollOnce()``.
    /// - Parameters:
    ///   - reader: the TAT API (a `TATClient`).
    ///   - store: where each region's snapshot is loaded from at start.
    ///   - sink: where each successful cycle is committed.
    ///   - clock: what the pause between cycles sleeps on. Default `ContinuousClock()`.
    ///   - now: the wall clock for `detectedAt`, `statusSince` and stuck limits. Default `Date.init`.
    ///   - logger: default label `tattle.watcher`.
    ///   - metricsFactory: default nil (the global `MetricsSystem`).
    public init(
        configuration: Configuration, reader: any TATReader, store: any SnapshotSource, sink: any CycleSink,
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "tattle.watcher"), metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        var seen = Set<String>()
        self.pollers = configuration.regions.filter { seen.insert($0).inserted }.map { region in
            let unit = WatchUnit(region: region)
            return RegionPoller(
                unit: unit, configuration: configuration, reader: reader, store: store, sink: sink, now: now,
                logger: logger, metrics: WatcherMetrics(unit: unit, factory: metricsFactory))
        }
    }

    /// The oldest of the regions' last successful polls; nil until every region has committed once.
    /// Cheap (no actor hop), for readiness checks.
    public var lastSuccessfulPoll: Date? { pollers.oldestSuccessfulPoll }

    /// Runs one cycle in every region, concurrently. Throws the first failure after all regions ran.
    @discardableResult
    public func pollOnce() async throws -> [CycleReport] {
        try await withThrowingTaskGroup(of: (Int, Result<CycleReport, any Error>).self) { group in
            for (index, poller) in pollers.enumerated() {
                group.addTask {
                    do { return (index, .success(try await poller.poll())) } catch { return (index, .failure(error)) }
                }
            }
            var results: [(Int, Result<CycleReport, any Error>)] = []
            for try await result in group { results.append(result) }
            return try results.sorted { $0.0 < $1.0 }.map { try $0.1.get() }
        }
    }

    /// Polls every region until the task is cancelled: cycles start `interval` apart (after a
    /// failure, exponentially longer up to `maxBackoffMultiplier` × interval). Cancellation ends the
    /// pause at once and abandons a running cycle without committing it.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for poller in pollers {
                group.addTask { [clock, configuration] in
                    await poller.run(clock: clock, configuration: configuration)
                }
            }
        }
        logger.info("watcher stopped")
    }
}

extension [RegionPoller] {
    /// The oldest of the pollers' last successful polls; nil until every one has committed once.
    var oldestSuccessfulPoll: Date? {
        var oldest: Date?
        for poller in self {
            guard let last = poller.lastSuccessfulPoll else { return nil }
            oldest = oldest.map { Swift.min($0, last) } ?? last
        }
        return oldest
    }
}

extension RegionPoller {
    /// The loop behind ``Watcher/run()`` and ``WatchSupervisor`` for one unit.
    func run(clock: any Clock<Duration>, configuration: Watcher.Configuration) async {
        while !Task.isCancelled {
            var elapsed = Duration.zero
            do {
                elapsed = try await clock.measure { _ = try await poll() }
            } catch is CancellationError {
                return
            } catch {
                // Logged and counted by poll(); the backoff below spaces out the retries.
            }
            var delay = pollDelay(
                interval: configuration.interval, failures: consecutiveFailures,
                maxMultiplier: configuration.maxBackoffMultiplier)
            // Cycles start one interval apart (the cycle's own time is not added to the wait), so a
            // change waits at most one interval to be seen. After a failure the full backoff applies.
            if consecutiveFailures == 0 { delay = max(.milliseconds(10), delay - elapsed) }
            do { try await clock.sleep(for: delay) } catch { return }
        }
    }
}
