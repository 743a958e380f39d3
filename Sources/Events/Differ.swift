import Foundation

/// The pure differ: compares what Tattle last knew (the snapshot) with what a poll observed and
/// returns the events and the snapshot changes. No I/O and no clock: `now` is a parameter.
///
/// Decisions (see also the tests):
/// - A missed intermediate status is one event (PENDING → SUCCESS).
/// - An invocation first seen since the baseline emits `invocation.status_changed` with a nil
///   `previousStatus`, even when already terminal.
/// - A task first seen (with a new invocation, or added to a known one) emits with a nil
///   `previousStatus` unless it is first seen in PENDING: that is where every task starts, so it is noise.
/// - Removals happen only within the given ``RemovalScope``, never as an event; each leaves a
///   ``Tombstone``. An observation of a tombstoned id is diffed against the tombstone's state (so a
///   reappearing invocation is never "new") and revives it.
/// - `statusSince` changes only when the status does; `*.stuck` fires once per status (`stuckFired`).
/// - An unchanged invocation produces no upsert and allocates nothing.
///
/// Observations must be unique by id (the watcher dedupes them).
public struct Differ: Sendable {
    /// When non-terminal invocations and tasks count as stuck.
    public var stuckPolicy: StuckPolicy

    /// Creates a differ (default policy: RUNNING past `Timeout` + 120 s, delivery past 10 min).
    public init(stuckPolicy: StuckPolicy = StuckPolicy()) {
        self.stuckPolicy = stuckPolicy
    }

    /// Diffs `observed` against `previous` (and, for ids not in `previous`, against `tombstones`).
    public func diff(
        previous: [String: InvocationState], observed: [ObservedInvocation], removable: RemovalScope = .none,
        tombstones: [String: Tombstone] = [:], now: Date, region: String
    ) -> Diff {
        var groups: [EventGroup] = []
        var upserts: [InvocationState] = []
        var revived: [String] = []
        for index in observed.indices {
            var before = previous[observed[index].id]
            var fromTombstone = false
            if before == nil, !tombstones.isEmpty, let tombstone = tombstones[observed[index].id] {
                before = tombstone.state
                fromTombstone = true
                revived.append(tombstone.id)
            }
            if let before, !fromTombstone, isQuiet(before, observed[index], now: now) { continue }
            let observation = observed[index]
            let change = step(before, observation, now: now, region: region, emit: true)
            if fromTombstone || change.state != before { upserts.append(change.state) }
            if !change.events.isEmpty { groups.append(EventGroup(observation: observation, events: change.events)) }
        }
        let removed = removals(previous: previous, observed: observed, scope: removable)
        return Diff(
            events: EventGroup.flatten(groups), upserts: upserts, removals: removed,
            tombstones: removed.compactMap { id in previous[id].map { Tombstone(state: $0, removedAt: now) } },
            forgottenTombstones: revived.sorted())
    }

    /// The first listing of a region: every invocation is recorded; events are emitted only for
    /// invocations created at or after `backfillSince` (none when nil), as if first seen.
    public func baseline(observed: [ObservedInvocation], backfillSince: Date? = nil, now: Date, region: String) -> Diff
    {
        var groups: [EventGroup] = []
        var upserts: [InvocationState] = []
        upserts.reserveCapacity(observed.count)
        for observation in observed {
            let emit = backfillSince.map { since in (observation.createdTime ?? .distantPast) >= since } ?? false
            let change = step(nil, observation, now: now, region: region, emit: emit)
            upserts.append(change.state)
            if !change.events.isEmpty { groups.append(EventGroup(observation: observation, events: change.events)) }
        }
        return Diff(events: EventGroup.flatten(groups), upserts: upserts)
    }

    // MARK: - Fast path

    /// Whether nothing changed and nothing became stuck: same status, same metadata the state keeps,
    /// same tasks with the same statuses. Compares by index first and only builds a map when the
    /// task lists are ordered differently.
    func isQuiet(_ state: InvocationState, _ observation: ObservedInvocation, now: Date) -> Bool {
        // Raw strings are compared directly: the statuses' RawRepresentable `==` goes through a
        // generic witness, which costs more than everything else here at 1M tasks per cycle.
        guard state.status.rawValue == observation.status.rawValue, state.timeout == observation.timeout,
            state.createdTime == observation.createdTime, state.tasks.count == observation.tasks.count
        else { return false }
        var ordered = true
        let oldTasks = state.tasks
        let newTasks = observation.tasks
        for index in oldTasks.indices {
            // Packed fields compare as integers: no id, instance or status string is read.
            if oldTasks[index].identity.packedID != newTasks[index].identity.packedID {
                ordered = false
                break
            }
            if oldTasks[index].statusCode != newTasks[index].statusCode
                || oldTasks[index].identity.instance != newTasks[index].identity.instance
            {
                return false
            }
        }
        if !ordered {
            let byId = Self.tasksById(state.tasks)
            for new in observation.tasks {
                guard let old = byId[new.identity.packedID], old.statusCode == new.statusCode,
                    old.identity.instance == new.identity.instance
                else {
                    return false
                }
            }
            // Same tasks in a different order: the state keeps them sorted, so an upsert would change nothing.
        }
        return !anyStuckDue(state, now: now)
    }

    /// Whether the invocation or one of its tasks passes its stuck limit now without having fired.
    func anyStuckDue(_ state: InvocationState, now: Date) -> Bool {
        guard stuckPolicy.isEnabled, !state.status.isTerminal else { return false }
        if !state.stuckFired, let limit = stuckPolicy.limit(for: state.status, timeout: state.timeout),
            now.timeIntervalSince(state.statusSince) >= limit
        {
            return true
        }
        // Cheap bound first: no task can be due before the smallest limit any status could have.
        var oldest = Date.distantFuture
        for task in state.tasks where !task.stuckFired && task.statusSince < oldest { oldest = task.statusSince }
        guard now.timeIntervalSince(oldest) >= stuckPolicy.smallestLimit(timeout: state.timeout) else { return false }
        for task in state.tasks where !task.stuckFired {
            if let limit = stuckPolicy.limit(for: task.status, timeout: state.timeout),
                now.timeIntervalSince(task.statusSince) >= limit
            {
                return true
            }
        }
        return false
    }

    // MARK: - Removals

    func removals(previous: [String: InvocationState], observed: [ObservedInvocation], scope: RemovalScope) -> [String]
    {
        switch scope {
        case .none:
            return []
        case .ids(let ids):
            guard !ids.isEmpty else { return [] }
            let seen = Set(observed.lazy.map(\.id).filter { ids.contains($0) })
            return ids.filter { previous[$0] != nil && !seen.contains($0) }.sorted()
        case .allUnobserved:
            let seen = Set(observed.map(\.id))
            return previous.keys.filter { !seen.contains($0) }.sorted()
        }
    }
}

/// The events of one invocation, kept together so the whole diff can be ordered by invocation.
struct EventGroup {
    var createdTime: Date?
    var id: String
    var events: [Event]

    init(observation: ObservedInvocation, events: [Event]) {
        self.createdTime = observation.createdTime
        self.id = observation.id
        self.events = events
    }

    /// Sorted by created time (unknown first), then id.
    static func flatten(_ groups: [EventGroup]) -> [Event] {
        guard groups.count > 1 else { return groups.first?.events ?? [] }
        let sorted = groups.sorted { left, right in
            let l = left.createdTime ?? .distantPast
            let r = right.createdTime ?? .distantPast
            return l != r ? l < r : left.id < right.id
        }
        return sorted.flatMap(\.events)
    }
}
