/// What one poll changed: the events to notify, the snapshot rows to write and the ids to forget.
/// Produced by ``Differ``; the watcher enriches the events and hands the whole to a sink, which
/// commits it atomically.
public struct Diff: Sendable, Hashable {
    /// Detected events, in a stable order: invocations by created time then id; for each, the
    /// invocation's events first, then its tasks' events by task id.
    public var events: [Event]
    /// New or changed invocation states. An unchanged invocation is not listed.
    public var upserts: [InvocationState]
    /// Invocation ids no longer tracked (gone from TAT's retention), sorted.
    public var removals: [String]
    /// The tombstones of ``removals``: their last states, kept so a reappearance is diffed against them.
    public var tombstones: [Tombstone]
    /// Tombstone ids to forget: revived (observed again, now back in ``upserts``) or expired. Sorted.
    public var forgottenTombstones: [String]

    /// Creates a diff; everything defaults to empty.
    public init(
        events: [Event] = [], upserts: [InvocationState] = [], removals: [String] = [], tombstones: [Tombstone] = [],
        forgottenTombstones: [String] = []
    ) {
        self.events = events
        self.upserts = upserts
        self.removals = removals
        self.tombstones = tombstones
        self.forgottenTombstones = forgottenTombstones
    }

    /// Whether the diff changes nothing (a quiet cycle).
    public var isEmpty: Bool {
        events.isEmpty && upserts.isEmpty && removals.isEmpty && tombstones.isEmpty && forgottenTombstones.isEmpty
    }
}

extension Diff {
    /// Applies the snapshot part of the diff to `snapshot` (call only after the commit succeeded).
    public func apply(to snapshot: inout [String: InvocationState]) {
        for state in upserts { snapshot[state.id] = state }
        for id in removals { snapshot[id] = nil }
    }

    /// Applies the tombstone part of the diff to `tombstones` (call only after the commit succeeded).
    public func apply(toTombstones tombstones: inout [String: Tombstone]) {
        for id in forgottenTombstones { tombstones[id] = nil }
        for tombstone in self.tombstones { tombstones[tombstone.id] = tombstone }
    }
}
