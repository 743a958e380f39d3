import Events
import Foundation
import Logging
import Synchronization
import TencentCloud
import Timekeeping

/// Watches one account in one region (a ``WatchUnit``): each ``poll()`` refreshes what is still running, discovers what is new,
/// periodically re-lists everything, diffs, enriches failed tasks and hands the result to the sink.
///
/// A cycle either commits completely or changes nothing: any failed or partial step throws before
/// the sink is called, and the in-memory snapshot advances only after the sink's commit succeeded.
public actor RegionPoller {
    /// The account and region polled.
    public nonisolated let unit: WatchUnit
    /// The region polled (``unit``'s).
    public nonisolated var region: String { unit.region }
    let configuration: Watcher.Configuration
    let reader: any TATReader
    let store: any SnapshotSource
    let sink: any CycleSink
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: WatcherMetrics
    let differ: Differ
    let health = Mutex<Date?>(nil)
    let committedCalls = Mutex<Int?>(nil)

    /// The committed snapshot, nil until loaded from the store.
    private(set) var snapshot: [String: InvocationState]?
    var lastFullResync: Date?
    var resyncRequested = false
    var discoveryResume: DiscoveryResume?
    /// Tombstones of invocations no longer tracked, by id (loaded with the snapshot).
    var tombstones: [String: Tombstone] = [:]
    /// Tracked ids the last cycle looked for and missed: removed if this cycle misses them too.
    var absentOnce: Set<String> = []
    /// The listing order learnt last (nil before the first discovery).
    public private(set) var listingOrder: Watcher.ListingOrder?
    /// Broken rows in the last complete listing (TotalCount counts them; the snapshot cannot).
    var lastListingMalformed = 0
    var isPolling = false
    var cycleCalls = 0
    /// Consecutive failed cycles (drives the backoff).
    public private(set) var consecutiveFailures = 0

    /// Page size of every listing call (the API maximum).
    static let pageSize = 100

    /// Creates a poller; see ``Watcher/init(configuration:reader:store:sink:clock:now:logger:metricsFactory:)``.
    init(
        unit: WatchUnit, configuration: Watcher.Configuration, reader: any TATReader, store: any SnapshotSource,
        sink: any CycleSink, now: @escaping @Sendable () -> Date, logger: Logger, metrics: WatcherMetrics
    ) {
        self.unit = unit
        self.configuration = configuration
        self.reader = reader
        self.store = store
        self.sink = sink
        self.now = now
        var logger = logger
        logger[metadataKey: "region"] = .string(unit.region)
        logger[metadataKey: "account"] = .string(unit.account)
        self.logger = logger
        self.metrics = metrics
        self.differ = Differ(stuckPolicy: configuration.stuckPolicy)
    }

    /// When a cycle of this region last committed; nil before the first. Cheap, for readiness checks.
    public nonisolated var lastSuccessfulPoll: Date? { health.withLock { $0 } }

    /// The API calls of the last committed cycle; nil before the first. Cheap, for the status page.
    public nonisolated var lastCycleCalls: Int? { committedCalls.withLock { $0 } }

    /// The number of invocations tracked in the committed snapshot.
    public var trackedCount: Int { snapshot?.count ?? 0 }

    /// The committed snapshot (for tests and the status endpoint).
    public func currentSnapshot() -> [String: InvocationState] { snapshot ?? [:] }

    /// Runs one cycle. Throws (and commits nothing) when any step fails.
    @discardableResult
    public func poll() async throws -> CycleReport {
        guard !isPolling else {
            throw PollError(code: .alreadyPolling, message: "a cycle of \(unit) is already running")
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
            metrics.clockSkew(reader.clockSkewSeconds)
            let committedAt = now()
            metrics.lastSuccess(committedAt)
            health.withLock { $0 = committedAt }
            committedCalls.withLock { $0 = report.apiCalls }
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
            if let loaded = try await store.loadSnapshot(region: unit.key) {
                snapshot = Dictionary(loaded.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
                tombstones = Dictionary(
                    try await store.loadTombstones(region: unit.key).map { ($0.id, $0) },
                    uniquingKeysWith: { _, last in last })
                logger.info(
                    "snapshot loaded", metadata: ["tracked": "\(loaded.count)", "tombstones": "\(tombstones.count)"])
            } else {
                return try await baselineCycle(now: now)
            }
        }
        let previous = snapshot ?? [:]

        // (a) Refresh everything still moving, and every id missing from the last look, by id.
        let active = previous.values.filter { state in
            !state.status.isTerminal || state.tasks.contains { !$0.status.isTerminal }
        }.map(\.id)
        let recheck = absentOnce.filter { previous[$0] != nil }
        let refreshIds = Array(Set(active).union(recheck)).sorted()

        // (b) Discover new invocations, or (c) list everything when a full resync is due or the
        // listing has no usable order.
        var fullListing =
            resyncRequested
            || lastFullResync.map { now >= $0.addingTimeInterval(configuration.fullResyncInterval.seconds) }
                ?? true
        // The refresh, which is what sees a running invocation change, and discovery read at the
        // same time; the refresh's failed tasks are enriched as soon as it answers. So the change a
        // cycle detects waits for neither discovery nor its pages.
        async let refreshing = refreshAndPrefetch(ids: refreshIds, previous: previous, now: now)
        var nextResume: DiscoveryResume?
        var requestResync = false
        var head: PageRead?
        var discovered = CycleReading()
        if !fullListing {
            let (found, firstPage) = try await discover(tracked: previous, resume: discoveryResume, into: &discovered)
            if let discovery = found {
                nextResume = discovery.resume
                noteOrder(discovery.order)
                // More invocations exist than Tattle knows of, yet paging reached known ground: paging
                // raced with the listing. A full listing next cycle settles it.
                let knownCount =
                    previous.count + discovered.observed.keys.filter { previous[$0] == nil }.count
                    + lastListingMalformed
                if nextResume == nil, discovery.totalCount > knownCount { requestResync = true }
            } else {
                noteOrder(.unordered)
                metrics.unorderedListing()
                logger.warning(
                    "the listing is not ordered by CreatedTime; listing everything this cycle",
                    metadata: ["tracked": "\(previous.count)"])
                fullListing = true
                head = firstPage
            }
        }
        var (reading, prefetched) = try await refreshing
        reading.absorb(discovered)
        var listedCompletely = false
        if fullListing {
            listedCompletely = try await listAll(after: head, into: &reading)
            if listedCompletely { lastListingMalformed = reading.malformedRows }
        }

        // An id is removed only after two consecutive looks missed it (the second one by id).
        var missing = reading.absent
        if listedCompletely {
            for id in previous.keys where !reading.saw(id) { missing.insert(id) }
        }
        let confirmed = missing.intersection(absentOnce)
        let expiry = now.addingTimeInterval(-configuration.tombstoneRetention.seconds)
        var diff = differ.diff(
            previous: previous, observed: Array(reading.observed.values), removable: .ids(confirmed),
            tombstones: tombstones, now: now, region: region)
        let expired = tombstones.values.filter { $0.removedAt < expiry }.map(\.id)
        if !expired.isEmpty { diff.forgottenTombstones = Array(Set(diff.forgottenTombstones).union(expired)).sorted() }
        try await enrich(&diff, prefetched: prefetched)
        diff.attribute(toAccount: unit.account, scopesIds: !unit.isDefaultAccount)
        try await sink.commit(region: unit.key, diff: diff, baseline: false)

        // Committed: advance the in-memory state.
        var snapshot = previous
        diff.apply(to: &snapshot)
        self.snapshot = snapshot
        diff.apply(toTombstones: &tombstones)
        absentOnce = missing.subtracting(confirmed)
        if !absentOnce.isEmpty {
            logger.info(
                "invocations missing from this look; checking again by id next cycle",
                metadata: ["invocation_id": "\(absentOnce.sorted().joined(separator: ","))"])
        }
        if fullListing {
            lastFullResync = now
            resyncRequested = false
        }
        if requestResync {
            logger.notice("listing total exceeds known invocations; full resync next cycle")
            resyncRequested = true
        }
        discoveryResume = fullListing ? nil : nextResume
        record(diff)
        return CycleReport(unit: unit, kind: fullListing ? .fullResync : .incremental, diff: diff)
    }

    /// Logs when the listing order learnt this cycle differs from the last one.
    private func noteOrder(_ order: Watcher.ListingOrder?) {
        guard let order, order != listingOrder else { return }
        logger.notice(
            "listing order learnt from CreatedTime",
            metadata: ["order": "\(order.rawValue)", "previous": "\(listingOrder?.rawValue ?? "none")"])
        listingOrder = order
    }

    private func baselineCycle(now: Date) async throws -> CycleReport {
        var reading = CycleReading()
        guard try await listAll(into: &reading) else {
            throw PollError(code: .incompleteListing, message: "the baseline listing changed while it was read")
        }
        lastListingMalformed = reading.malformedRows
        let since = configuration.backfill.map { now.addingTimeInterval(-$0.seconds) }
        var diff = differ.baseline(
            observed: reading.observed.values.sorted { $0.id < $1.id }, backfillSince: since, now: now, region: region)
        try await enrich(&diff)
        diff.attribute(toAccount: unit.account, scopesIds: !unit.isDefaultAccount)
        try await sink.commit(region: unit.key, diff: diff, baseline: true)
        var snapshot: [String: InvocationState] = [:]
        diff.apply(to: &snapshot)
        self.snapshot = snapshot
        tombstones = [:]
        lastFullResync = now
        logger.info("baseline recorded", metadata: ["tracked": "\(snapshot.count)", "events": "\(diff.events.count)"])
        record(diff)
        return CycleReport(unit: unit, kind: .baseline, diff: diff)
    }

    private func record(_ diff: Diff) {
        for event in diff.events {
            metrics.event(type: event.type.rawValue, status: event.status.rawValue)
            var metadata: Logger.Metadata = [
                "invocation_id": .string(event.invocation.id), "event_id": .string(event.id),
                "type": .string(event.type.rawValue), "status": .string(event.status.rawValue),
            ]
            if let previous = event.previousStatus { metadata["previous_status"] = .string(previous.rawValue) }
            if let task = event.task { metadata["task_id"] = .string(task.id) }
            logger.info("event", metadata: metadata)
        }
        for id in diff.removals {
            logger.info(
                "invocation no longer retained; tombstoned", metadata: ["invocation_id": .string(id)])
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
        /// Refresh by id plus a listing of everything (a resync, or a listing without usable order).
        case fullResync
    }

    /// The account and region.
    public var unit: WatchUnit
    /// The region (``unit``'s).
    public var region: String { unit.region }
    /// How the cycle listed invocations.
    public var kind: Kind
    /// What was committed.
    public var diff: Diff
    /// API calls made by the cycle.
    public var apiCalls: Int = 0
}
