import Store
import Watcher

/// The SQLite store already answers `loadSnapshot(region:)` (``StateStore``); declaring the
/// conformance here keeps `Watcher` and `Store` independent of each other.
extension SQLiteStore: SnapshotSource {}
