/// The order `DescribeInvocations` (and `DescribeInvocationTasks` without ids) returns rows in.
/// TAT documents none (tat-api.md §6), so the simulator can answer in each order a watcher must survive.
public enum ListingOrder: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Descending `CreatedTime`, then descending id (what the real API appeared to do when probed).
    case newestFirst = "newest"
    /// Ascending `CreatedTime`, then ascending id.
    case oldestFirst = "oldest"
    /// A stable order unrelated to `CreatedTime` (a hash of the id): consistent between pages, so a
    /// full listing is still complete, but useless for stopping early.
    case unordered

    public var description: String { rawValue }

    /// `invocations` sorted as this order lists them.
    func sorted(_ invocations: [FleetInvocation]) -> [FleetInvocation] {
        switch self {
        case .newestFirst: invocations.sorted { $0.orderKey > $1.orderKey }
        case .oldestFirst: invocations.sorted { $0.orderKey < $1.orderKey }
        case .unordered: invocations.sorted { ScatterKey($0.id) < ScatterKey($1.id) }
        }
    }

    /// FNV-1a of the id: a fixed pseudo-random position, independent of creation time.
    static func scatter(_ id: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
