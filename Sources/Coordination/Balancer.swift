/// Who should hold what: the pure assignment every replica computes from the same view of the
/// database (live replicas, the work items, their current holders), so the replicas agree on a
/// split without talking to each other.
///
/// The split is even — every replica gets `items / replicas` items, the first `items % replicas`
/// of them one more — and sticky: a replica keeps what it holds up to its quota, the extra slots go
/// to the replicas that hold most already, and only the surplus and the free items move. So a
/// replica joining takes just its share from the others, and a replica leaving hands out only its
/// own items. Ties are broken by name, so the result depends on nothing but the inputs.
public enum Balancer {
    /// The holder of every item.
    /// - Parameters:
    ///   - replicas: live replica ids (duplicates ignored). No replica: nothing is assigned.
    ///   - items: the unit keys or lane names to share (duplicates ignored).
    ///   - holders: who holds each item now; holders that are not live replicas count as free.
    /// - Returns: item → replica, for every item when any replica is live.
    public static func assign(replicas: [String], items: [String], holders: [String: String]) -> [String: String] {
        let replicas = Array(Set(replicas)).sorted()
        let items = Array(Set(items)).sorted()
        guard !replicas.isEmpty else { return [:] }
        let live = Set(replicas)
        var held: [String: [String]] = [:]
        var free: [String] = []
        for item in items {
            if let holder = holders[item], live.contains(holder) {
                held[holder, default: []].append(item)
            } else {
                free.append(item)
            }
        }
        // The extra slots go to whoever holds most now (ties: smaller id), so fewer items move.
        let base = items.count / replicas.count
        let extra = items.count % replicas.count
        let byHoldings = replicas.sorted { (held[$0]?.count ?? 0, $1) > (held[$1]?.count ?? 0, $0) }
        var quota: [String: Int] = [:]
        for (rank, replica) in byHoldings.enumerated() { quota[replica] = base + (rank < extra ? 1 : 0) }

        var assignment: [String: String] = [:]
        var surplus: [String] = []
        for replica in replicas {
            let mine = held[replica] ?? []
            let keep = min(mine.count, quota[replica] ?? 0)
            for item in mine.prefix(keep) { assignment[item] = replica }
            surplus += mine.dropFirst(keep)
        }
        var open = (free + surplus).sorted()[...]
        for replica in replicas {
            var count = assignment.values.lazy.filter { $0 == replica }.count
            while count < quota[replica] ?? 0, let item = open.popFirst() {
                assignment[item] = replica
                count += 1
            }
        }
        return assignment
    }

    /// The items `replica` should hold: ``assign(replicas:items:holders:)`` seen from one replica.
    public static func share(
        of replica: String, replicas: [String], items: [String], holders: [String: String]
    ) -> Set<String> {
        Set(assign(replicas: replicas, items: items, holders: holders).filter { $0.value == replica }.keys)
    }
}
