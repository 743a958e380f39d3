import Events
import Store
import Watcher

/// A sink that commits straight to a ``StateStore`` (snapshot + events, no dispatches) and then
/// hands the events to `onCommitted` — what `tattle watch` uses to print them.
public struct StoreSink: CycleSink {
    /// The store commits go to.
    public let store: any StateStore
    /// Called after each successful commit with the committed events (default: nothing).
    public let onCommitted: @Sendable (_ region: String, _ events: [Event]) async -> Void

    /// Creates a sink over `store`.
    public init(
        store: any StateStore, onCommitted: @escaping @Sendable (String, [Event]) async -> Void = { _, _ in }
    ) {
        self.store = store
        self.onCommitted = onCommitted
    }

    public func commit(region: String, diff: Diff, baseline: Bool) async throws {
        try await store.commit(
            CycleCommit(
                region: region, upserts: diff.upserts, removals: diff.removals, markBaselined: baseline,
                events: diff.events, tombstones: diff.tombstones, forgottenTombstones: diff.forgottenTombstones))
        await onCommitted(region, diff.events)
    }
}
