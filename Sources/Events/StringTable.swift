import Synchronization

/// Strings kept once per process and named by a 32-bit index: instance ids (a fleet's few thousand
/// instances recur in every invocation), task ids that do not fit ``CompactID``, and status values
/// TAT has not documented. Entries are never removed, so an index stays valid for the process's life.
package final class StringTable: Sendable {
    private struct Storage {
        var strings: [String] = []
        var indices: [String: UInt32] = [:]
    }

    private let storage = Mutex(Storage())

    /// An empty table.
    package init() {}

    /// The index of `string`, adding it when new.
    package func index(of string: String) -> UInt32 {
        storage.withLock { storage in
            if let index = storage.indices[string] { return index }
            let index = UInt32(clamping: storage.strings.count)
            storage.strings.append(string)
            storage.indices[string] = index
            return index
        }
    }

    /// The string at `index` (one this table returned).
    package func string(at index: UInt32) -> String {
        storage.withLock { $0.strings[Int(index)] }
    }

    /// Instance ids of the snapshot's tasks.
    package static let instances = StringTable()
    /// Ids that ``CompactID`` cannot pack.
    package static let ids = StringTable()
    /// Status values outside the documented ones.
    package static let statuses = StringTable()
}
