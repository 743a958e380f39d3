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

    /// Creates a diff; everything defaults to empty.
    public init(events: [Event] = [], upserts: [InvocationState] = [], removals: [String] = []) {
        self.events = events
        self.upserts = upserts
        self.removals = removals
    }

    /// Whether the diff changes nothing (a quiet cycle).
    public var isEmpty: Bool { events.isEmpty && upserts.isEmpty && removals.isEmpty }
}

extension Diff {
    /// Applies the snapshot part of the diff to `snapshot` (call only after the commit succeeded).
    public func apply(to snapshot: inout [String: InvocationState]) {
        for state in upserts { snapshot[state.id] = state }
        for id in removals { snapshot[id] = nil }
    }
}
