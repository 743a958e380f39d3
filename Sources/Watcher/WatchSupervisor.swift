import Foundation
import Logging
import Metrics
import Synchronization

/// Runs one ``RegionPoller`` per ``WatchUnit`` and reconciles the running set to the one wanted:
/// ``reconcile(to:)`` starts the units that are new and stops the ones no longer wanted, leaving the
/// others polling undisturbed. The daemon passes every configured unit (and again after a reload
/// changed the accounts); a replica that shares the work passes only the units it holds a lease on.
///
/// A stopped unit's poller is cancelled and awaited before ``reconcile(to:)`` returns: a cycle in
/// flight is abandoned uncommitted (its changes are detected again, with the same event ids, by
/// whoever polls the unit next), so one process never runs two pollers of the same unit.
///
/// The pollers are tasks owned by the supervisor, not children of ``run()``: units come and go while
/// it runs, and each must be stopped on its own. ``run()`` (or ``stopAll()``) ends them all.
public actor WatchSupervisor {
    /// The TAT API for a unit (its account's client); nil when the unit cannot be polled now (its
    /// account's credentials failed), which leaves the unit stopped.
    public typealias ReaderLookup = @Sendable (WatchUnit) -> (any TATReader)?

    /// How every poller polls (``Watcher/Configuration/regions`` is not read).
    public nonisolated let configuration: Watcher.Configuration
    let store: any SnapshotSource
    let sink: any CycleSink
    let reader: ReaderLookup
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    let metricsFactory: (any MetricsFactory)?
    private var running: [WatchUnit: (poller: RegionPoller, task: Task<Void, Never>)] = [:]
    /// The running pollers in unit order, readable without an actor hop (readiness, status page).
    private let published = Mutex<[RegionPoller]>([])
    /// Set when ``run()`` ends: a reconcile arriving during shutdown (a late reload) starts nothing.
    private var isShutDown = false

    /// Creates a supervisor running nothing; see ``Watcher/init(configuration:reader:store:sink:clock:now:logger:metricsFactory:)``
    /// for the parameters shared with the watcher.
    /// - Parameter reader: the TAT API of each unit, looked up when the unit starts.
    public init(
        configuration: Watcher.Configuration, reader: @escaping ReaderLookup, store: any SnapshotSource,
        sink: any CycleSink, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tattle.watcher"),
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.configuration = configuration
        self.reader = reader
        self.store = store
        self.sink = sink
        self.clock = clock
        self.now = now
        self.logger = logger
        self.metricsFactory = metricsFactory
    }

    /// What one ``reconcile(to:)`` changed.
    public struct Change: Sendable, Hashable {
        /// Units started, sorted.
        public var started: [WatchUnit] = []
        /// Units stopped, sorted.
        public var stopped: [WatchUnit] = []
        /// Units wanted but not started because ``ReaderLookup`` had no reader for them, sorted.
        public var unavailable: [WatchUnit] = []

        /// Creates a change; every list defaults to empty.
        public init(started: [WatchUnit] = [], stopped: [WatchUnit] = [], unavailable: [WatchUnit] = []) {
            self.started = started
            self.stopped = stopped
            self.unavailable = unavailable
        }
    }

    /// Makes the running pollers exactly `units` (minus those without a reader): stops and awaits
    /// the removed ones, then starts the new ones (each loads its snapshot from the store on its first
    /// cycle, or records a baseline when the unit was never watched).
    @discardableResult
    public func reconcile(to units: some Sequence<WatchUnit>) async -> Change {
        guard !isShutDown else { return Change() }
        let wanted = Set(units)
        var change = Change()
        for unit in running.keys.sorted() where !wanted.contains(unit) {
            await stop(unit)
            change.stopped.append(unit)
        }
        for unit in wanted.sorted() where running[unit] == nil {
            guard let reader = reader(unit) else {
                change.unavailable.append(unit)
                continue
            }
            start(unit, reader: reader)
            change.started.append(unit)
        }
        publish()
        if !change.started.isEmpty || !change.stopped.isEmpty {
            logger.info(
                "watch units changed",
                metadata: [
                    "started": "\(change.started.map(\.key).joined(separator: ","))",
                    "stopped": "\(change.stopped.map(\.key).joined(separator: ","))",
                    "running": "\(running.count)",
                ])
        }
        return change
    }

    /// Restarts the pollers of `units` that are running (with the reader looked up again), e.g. after
    /// their account's credentials or endpoint changed. Returns the units restarted.
    @discardableResult
    public func restart(_ units: some Sequence<WatchUnit>) async -> [WatchUnit] {
        var restarted: [WatchUnit] = []
        guard !isShutDown else { return restarted }
        for unit in Set(units).sorted() where running[unit] != nil {
            await stop(unit)
            if let reader = reader(unit) {
                start(unit, reader: reader)
                restarted.append(unit)
            }
        }
        publish()
        return restarted
    }

    /// Stops every poller and waits for them to end.
    public func stopAll() async {
        for unit in running.keys.sorted() { await stop(unit) }
        publish()
    }

    /// Waits until the calling task is cancelled (graceful shutdown), then stops every poller; later
    /// reconciles start nothing.
    public func run() async {
        let (stream, continuation) = AsyncStream<Never>.makeStream()
        await withTaskCancellationHandler {
            for await _ in stream {}
        } onCancel: {
            continuation.finish()
        }
        isShutDown = true
        await stopAll()
        logger.info("watcher stopped")
    }

    /// The running units, sorted.
    public nonisolated var units: [WatchUnit] { published.withLock { $0.map(\.unit) } }

    /// The running pollers, in unit order.
    public nonisolated var pollers: [RegionPoller] { published.withLock { $0 } }

    /// The oldest of the running pollers' last successful polls; nil until every one has committed
    /// once (and while none runs). Cheap, for readiness checks.
    public nonisolated var lastSuccessfulPoll: Date? {
        let pollers = self.pollers
        return pollers.isEmpty ? nil : pollers.oldestSuccessfulPoll
    }

    private func start(_ unit: WatchUnit, reader: any TATReader) {
        let poller = RegionPoller(
            unit: unit, configuration: configuration, reader: reader, store: store, sink: sink, now: now,
            logger: logger, metrics: WatcherMetrics(unit: unit, factory: metricsFactory))
        let task = Task { [clock, configuration] in
            await poller.run(clock: clock, configuration: configuration)
        }
        running[unit] = (poller, task)
    }

    private func stop(_ unit: WatchUnit) async {
        guard let entry = running.removeValue(forKey: unit) else { return }
        entry.task.cancel()
        await entry.task.value
    }

    private func publish() {
        let pollers = running.keys.sorted().compactMap { running[$0]?.poller }
        published.withLock { $0 = pollers }
    }
}
