import Events
import Foundation
import Logging
import Store
import Synchronization
import TencentCloud

/// Watches one region: each ``poll()`` refreshes what is still running, discovers what is new,
/// periodically re-lists everything, diffs, enriches failed tasks and hands the result to the sink.
///
/// A cycle either commits completely or changes nothing: any failed or partial step throws before
/// the sink is called, and the in-memory snapshot advances only after the sink's commit succeeded.
public actor RegionPoller {
    /// The region polled.
    public nonisolated let region: String
    let configuration: Watcher.Configuration
    let reader: any TATReader
    let store: any StateStore
    let sink: any CycleSink
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: WatcherMetrics
    let differ: Differ
    let health = Mutex<Date?>(nil)

    /// The committed snapshot, nil until loaded from the store.
    private(set) var snapshot: [String: InvocationState]?
    var lastFullResync: Date?
    var resyncRequested = false
    var discoveryResume: Int?
    var isPolling = false
    var cycleCalls = 0
    /// Consecutive failed cycles (drives the backoff).
    public private(set) var consecutiveFailures = 0

    /// Page size of every listing call (the API maximum).
    static let pageSize = 100

    /// Creates a poller; see ``Watcher/init(configuration:reader:store:sink:clock:now:logger:metricsFactory:)``.
    init(
        region: String, configuration: Watcher.Configuration, reader: any TATReader, store: any StateStore,
        sink: any CycleSink, now: @escaping @Sendable () -> Date, logger: Logger, metrics: WatcherMetrics
    ) {
        self.region = region
        self.configuration = configuration
        self.reader = reader
        self.store = store
        self.sink = sink
        self.now = now
        var logger = logger
        logger[metadataKey: "region"] = .string(region)
        self.logger = logger
        self.metrics = metrics
        self.differ = Differ(stuckPolicy: configuration.stuckPolicy)
    }

    /// When a cycle of this region last committed; nil before the first. Cheap, for readiness checks.
    public nonisolated var lastSuccessfulPoll: Date? { health.withLock { $0 } }

    /// The number of invocations tracked in the committed snapshot.
    public var trackedCount: Int { snapshot?.count ?? 0 }

    /// The committed snapshot (for tests and the status endpoint).
    public func currentSnapshot() -> [String: InvocationState] { snapshot ?? [:] }

    /// Runs one cycle. Throws (and commits nothing) when any step fails.
    @discardableResult
    public func poll() async throws -> CycleReport {
        guard !isPolling else {
            throw PollError(code: .alreadyPolling, message: "a cycle of \(region) is already running")
        }
        isPolling = true
        defer { isPolling = false }
        cycleCalls = 0
        let started = ContinuousClock.now
        do {
            var report = try await cycle()
            report.apiCalls = cycleCalls
            let elapsed = ContinuousClock.now - started
            metrics.duration(elapsed)
            metrics.cycle(outcome: "success")
            metrics.tracked(snapshot?.count ?? 0)
            let committedAt = now()
            metrics.lastSuccess(committedAt)
            health.withLock { $0 = committedAt }
            if consecutiveFailures > 0 {
                logger.info("polling recovered", metadata: ["failed_cycles": "\(consecutiveFailures)"])
            }
            consecutiveFailures = 0
            return report
        } catch {
            metrics.duration(ContinuousClock.now - started)
            metrics.cycle(outcome: error.outcomeLabel)
            if error is CancellationError { throw error }
            consecutiveFailures += 1
            var metadata: Logger.Metadata = [
                "error": "\(error)", "consecutive_failures": "\(consecutiveFailures)",
            ]
            if let requestId = error.tatRequestId { metadata["request_id"] = .string(requestId) }
            if let remedy = (error as? APIError)?.remedy { metadata["fix"] = .string(remedy) }
            logger.warning("poll cycle failed; nothing committed", metadata: metadata)
            throw error
        }
    }

    private func cycle() async throws -> CycleReport {
        let now = self.now()
        if snapshot == nil {
            if let loaded = try await store.loadSnapshot(region: region) {
                snapshot = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
                logger.info("snapshot loaded", metadata: ["tracked": "\(loaded.count)"])
            } else {
                return try await baselineCycle(now: now)
            }
        }
        let previous = snapshot ?? [:]
        var observed: [String: ObservedInvocation] = [:]
        var absent = Set<String>()

        // (a) Refresh everything still moving, by id.
        let active = previous.values.filter { state in
            !state.status.isTerminal || state.tasks.contains { !$0.status.isTerminal }
        }.map(\.id).sorted()
        try await refresh(ids: active, into: &observed, absent: &absent)

        // (b) Discover new invocations, or (c) list everything when a full resync is due.
        let resyncDue =
            resyncRequested
            || lastFullResync.map { now >= $0.addingTimeInterval(configuration.fullResyncInterval.seconds) }
                ?? true
        var removable = RemovalScope.ids(absent)
        var kind = CycleReport.Kind.incremental
        var nextResume: Int?
        var requestResync = false
        if resyncDue {
            kind = .fullResync
            if try await listAll(into: &observed) { removable = .allUnobserved }
        } else {
            let first = try await discover(from: 0, tracked: previous, into: &observed)
            var total = first.totalCount
            nextResume = first.resumeOffset
            if first.resumeOffset == nil, let resume = discoveryResume {
                let more = try await discover(from: resume, tracked: previous, into: &observed)
                nextResume = more.resumeOffset
                total = max(total, more.totalCount)
            }
            // More invocations exist than Tattle knows of, yet paging reached known ground: the
            // order is not newest-first, or paging raced. A full listing next cycle settles it.
            let knownCount = previous.count + observed.keys.filter { previous[$0] == nil }.count
            if nextResume == nil, total > knownCount { requestResync = true }
        }

        var diff = differ.diff(
            previous: previous, observed: Array(observed.values), removable: removable, now: now, region: region)
        try await enrich(&diff)
        try await sink.commit(region: region, diff: diff, baseline: false)

        // Committed: advance the in-memory state.
        var snapshot = previous
        diff.apply(to: &snapshot)
        self.snapshot = snapshot
        if resyncDue {
            lastFullResync = now
            resyncRequested = false
        }
        if requestResync {
            logger.notice("listing total exceeds known invocations; full resync next cycle")
            resyncRequested = true
        }
        discoveryResume = resyncDue ? nil : nextResume
        record(diff)
        return CycleReport(region: region, kind: kind, diff: diff)
    }

    private func baselineCycle(now: Date) async throws -> CycleReport {
        var observed: [String: ObservedInvocation] = [:]
        guard try await listAll(into: &observed) else {
            throw PollError(code: .incompleteListing, message: "the baseline listing changed while it was read")
        }
        let since = configuration.backfill.map { now.addingTimeInterval(-$0.seconds) }
        var diff = differ.baseline(
            observed: observed.values.sorted { $0.id < $1.id }, backfillSince: since, now: now, region: region)
        try await enrich(&diff)
        try await sink.commit(region: region, diff: diff, baseline: true)
        var snapshot: [String: InvocationState] = [:]
        diff.apply(to: &snapshot)
        self.snapshot = snapshot
        lastFullResync = now
        logger.info("baseline recorded", metadata: ["tracked": "\(snapshot.count)", "events": "\(diff.events.count)"])
        record(diff)
        return CycleReport(region: region, kind: .baseline, diff: diff)
    }

    private func record(_ diff: Diff) {
        for event in diff.events {
            metrics.event(type: event.type.rawValue, status: event.status)
            var metadata: Logger.Metadata = [
                "invocation_id": .string(event.invocation.id), "event_id": .string(event.id),
                "type": .string(event.type.rawValue), "status": .string(event.status),
            ]
            if let previous = event.previousStatus { metadata["previous_status"] = .string(previous) }
            if let task = event.task { metadata["task_id"] = .string(task.id) }
            logger.info("event", metadata: metadata)
        }
        for id in diff.removals {
            logger.info("invocation no longer retained; forgotten", metadata: ["invocation_id": .string(id)])
        }
    }
}

/// What one successful cycle did.
public struct CycleReport: Sendable {
    /// How the cycle listed invocations.
    public enum Kind: String, Sendable {
        /// The first listing of a region: recorded without events (except the backfill window).
        case baseline
        /// Refresh by id plus discovery of new invocations.
        case incremental
        /// Refresh by id plus a listing of everything.
        case fullResync
    }

    /// The region.
    public var region: String
    /// How the cycle listed invocations.
    public var kind: Kind
    /// What was committed.
    public var diff: Diff
    /// API calls made by the cycle.
    public var apiCalls: Int = 0
}
