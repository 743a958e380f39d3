import Events

/// Where a region's committed state comes from when a poller starts: the durable store the
/// ``CycleSink`` commits to. The watcher owns this protocol so it needs no storage module; the
/// store conforms where both are seen (the `Pipeline` module).
public protocol SnapshotSource: Sendable {
    /// The committed snapshot of `region`, or `nil` when the region was never baselined.
    func loadSnapshot(region: String) async throws -> [InvocationState]?
    /// The tombstones of `region` (invocations no longer tracked, with their last states).
    func loadTombstones(region: String) async throws -> [Tombstone]
}
