import Events
import Foundation
import Logging
import Outbox
import Rules
import Store
import Watcher

/// The daemon's ``CycleSink``: matches a cycle's events against the current rules and commits the
/// snapshot advance, the events and every notification derived from them in ONE transaction, then
/// wakes the delivery workers. If the commit fails nothing is kept and the watcher re-detects the
/// same changes (same event ids) next cycle.
///
/// Commits are serialised: evaluation, the store commit and the noise-memory update run as one
/// critical section for all regions. Being an actor is not enough: the actor is re-entered while a
/// commit awaits the store, so a second region would evaluate against throttle and recovery memory
/// the first is about to change (double messages inside a throttle window). A FIFO turnstile keeps
/// the second region waiting until the first has applied its memory updates.
public actor RulesCommitSink: CycleSink {
    let holder: RulesHolder
    let store: any StateStore
    let now: @Sendable () -> Date
    let committed: @Sendable () -> Void
    let observer: (@Sendable ([Event]) -> Void)?
    let fencing: UnitFencing?
    let logger: Logger
    private var memory: InMemoryNoiseMemory
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - observer: called with each committed cycle's events (the demo prints them). Default none.
    ///   - committed: called after a commit that enqueued notifications (wakes delivery).
    ///   - fencing: with several replicas, the unit leases every commit is fenced with. Default nil
    ///     (one process: no fence).
    public init(
        holder: RulesHolder, store: any StateStore, memory: InMemoryNoiseMemory, now: @escaping @Sendable () -> Date,
        logger: Logger, observer: (@Sendable ([Event]) -> Void)? = nil, committed: @escaping @Sendable () -> Void,
        fencing: UnitFencing? = nil
    ) {
        self.fencing = fencing
        self.observer = observer
        self.holder = holder
        self.store = store
        self.memory = memory
        self.now = now
        self.logger = logger
        self.committed = committed
    }

    public func commit(region: String, diff: Diff, baseline: Bool) async throws {
        await enter()
        defer { leave() }
        try await commitExclusively(region: region, diff: diff, baseline: baseline)
    }

    /// Replaces the noise-control memory with the store's, between two commits. A replica calls it
    /// when it takes units over: their throttle, dedupe and recovery memory was written by the
    /// previous owner, in the same transactions as its cycles.
    public func reloadNoiseMemory() async throws {
        await enter()
        defer { leave() }
        memory = try await store.loadNoiseMemory()
    }

    /// Waits until no other commit is between evaluation and memory update.
    private func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the critical section to the next waiting commit, in arrival order.
    private func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    private func commitExclusively(region: String, diff: Diff, baseline: Bool) async throws {
        let engine = holder.current
        let evaluation = engine.evaluate(diff.events, now: now(), memory: memory)
        let referenced = Set(evaluation.dispatches.map(\.eventId))
        let events = diff.events.filter { referenced.contains($0.id) }
        let fence = try fencing?.fence(region)
        do {
            try await store.commit(
                CycleCommit(
                    region: region, upserts: diff.upserts, removals: diff.removals, markBaselined: baseline,
                    events: events, dispatches: evaluation.dispatches, noise: evaluation.updates,
                    tombstones: diff.tombstones, forgottenTombstones: diff.forgottenTombstones, fence: fence))
        } catch let error as StoreError where error.isFenced {
            if let fence { fencing?.refused(fence) }
            throw error
        }
        memory.apply(evaluation.updates)
        for event in diff.events {
            let receivers = evaluation.dispatches.filter { $0.eventId == event.id }.map(\.receiver)
            logger.info(
                "event \(event.type) \(event.previousStatus?.rawValue ?? "new") → \(event.status)",
                metadata: [
                    "invocation_id": "\(event.invocation.id)", "event_id": "\(event.id)", "region": "\(event.region)",
                    "account": "\(event.account ?? WatchUnit.defaultAccount)",
                    "command": "\(event.invocation.commandName ?? "")",
                    "task_id": "\(event.task?.id ?? "")", "notify": "\(receivers.joined(separator: ","))",
                ])
        }
        if !evaluation.dispatches.isEmpty { committed() }
        if !diff.events.isEmpty { observer?(diff.events) }
    }
}
