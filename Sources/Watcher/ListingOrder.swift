import Events
import Foundation

extension Watcher {
    /// The order a `DescribeInvocations` listing came in, learnt from `CreatedTime` (ties by id) every
    /// cycle, because TAT documents none (operations-facts.md §3).
    public enum ListingOrder: String, Sendable, Hashable {
        /// Descending: discovery pages from offset 0 until known ground.
        case newestFirst = "newest_first"
        /// Ascending: discovery pages from the tail (`TotalCount − 100`, backwards) until known ground.
        case oldestFirst = "oldest_first"
        /// Neither: only a full listing is safe.
        case unordered

        /// The order of `rows` as listed; nil when fewer than two rows say nothing. A row without
        /// `CreatedTime` makes the listing unordered (nothing can be concluded from it).
        public static func of(_ rows: [ObservedInvocation]) -> ListingOrder? {
            guard rows.count >= 2 else { return nil }
            var ascending = true
            var descending = true
            for (earlier, later) in zip(rows, rows.dropFirst()) {
                guard let a = earlier.createdTime, let b = later.createdTime else { return .unordered }
                if (a, earlier.id) < (b, later.id) { descending = false }
                if (a, earlier.id) > (b, later.id) { ascending = false }
            }
            if ascending { return .oldestFirst }
            if descending { return .newestFirst }
            return .unordered
        }

        /// Whether `later` may follow `earlier` in a listing of this order (repeats allowed: rows
        /// shift by one page when invocations arrive between calls).
        func allows(_ earlier: ObservedInvocation, before later: ObservedInvocation) -> Bool {
            guard let a = earlier.createdTime, let b = later.createdTime else { return false }
            switch self {
            case .newestFirst: return (a, earlier.id) >= (b, later.id)
            case .oldestFirst: return (a, earlier.id) <= (b, later.id)
            case .unordered: return true
            }
        }
    }
}
