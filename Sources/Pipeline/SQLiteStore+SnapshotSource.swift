import Events
import Store
import Watcher

/// The SQLite store already answers `loadSnapshot(region:)` (``StateStore``); declaring the
/// conformance here keeps `Watcher` and `Store` independent of each other.
extension SQLiteStore: SnapshotSource {}

/// Any state store as the watcher's snapshot source: what the daemon hands the watcher when the
/// store is only known as a ``Store/StateDatabase`` (SQLite or PostgreSQL).
public struct StoredSnapshots: SnapshotSource {
    public let store: any StateStore

    public init(_ store: any StateStore) { self.store = store }

    public func loadSnapshot(region: String) async throws -> [InvocationState]? {
        try await store.loadSnapshot(region: region)
    }

    public func loadTombstones(region: String) async throws -> [Tombstone] {
        try await store.loadTombstones(region: region)
    }
}
