import Coordination
import TATSimulator
import Testing

@Suite("Balancer")
struct BalancerTests {
    static let units = ["a/ap-guangzhou", "a/ap-shanghai", "b/ap-guangzhou", "b/ap-shanghai"]

    func counts(_ assignment: [String: String], _ replicas: [String]) -> [Int] {
        replicas.map { replica in assignment.values.filter { $0 == replica }.count }
    }

    @Test("no live replica: nothing assigned")
    func noReplica() {
        #expect(Balancer.assign(replicas: [], items: Self.units, holders: [:]).isEmpty)
    }

    @Test(
        "fresh start: every item assigned, shares within one of each other",
        arguments: [(1, [4]), (2, [2, 2]), (3, [2, 1, 1]), (4, [1, 1, 1, 1]), (5, [1, 1, 1, 1, 0])])
    func freshStart(replicaCount: Int, expected: [Int]) {
        let replicas = (1...replicaCount).map { "r\($0)" }
        let assignment = Balancer.assign(replicas: replicas, items: Self.units, holders: [:])
        #expect(Set(assignment.keys) == Set(Self.units))
        #expect(counts(assignment, replicas) == expected)
    }

    @Test("a joining replica takes only its share; the holder keeps the rest")
    func join() {
        let holders = Dictionary(uniqueKeysWithValues: Self.units.map { ($0, "r1") })
        let assignment = Balancer.assign(replicas: ["r1", "r2"], items: Self.units, holders: holders)
        #expect(assignment.filter { $0.value == "r1" }.keys.sorted() == ["a/ap-guangzhou", "a/ap-shanghai"])
        #expect(assignment.filter { $0.value == "r2" }.keys.sorted() == ["b/ap-guangzhou", "b/ap-shanghai"])
    }

    @Test("a leaving replica's items go to the others; nothing else moves")
    func leave() {
        let holders = [
            "a/ap-guangzhou": "r1", "a/ap-shanghai": "r1", "b/ap-guangzhou": "r2", "b/ap-shanghai": "r3",
        ]
        let assignment = Balancer.assign(replicas: ["r1", "r2"], items: Self.units, holders: holders)
        #expect(assignment["a/ap-guangzhou"] == "r1")
        #expect(assignment["a/ap-shanghai"] == "r1")
        #expect(assignment["b/ap-guangzhou"] == "r2")
        #expect(assignment["b/ap-shanghai"] == "r2")
    }

    @Test("holders that are not live count as free; unknown held names are ignored; duplicates collapse")
    func deadHoldersAndDuplicates() {
        let assignment = Balancer.assign(
            replicas: ["r2", "r1", "r2"], items: Self.units + Self.units,
            holders: ["a/ap-guangzhou": "gone", "not-configured": "r1"])
        #expect(assignment.count == 4)
        #expect(counts(assignment, ["r1", "r2"]) == [2, 2])
    }

    @Test("every replica computes the same split, seen from any of them")
    func agreement() {
        let replicas = ["r3", "r1", "r2"]
        let holders = ["a/ap-guangzhou": "r2", "b/ap-shanghai": "r2", "a/ap-shanghai": "r2"]
        let shares = replicas.map {
            Balancer.share(of: $0, replicas: replicas, items: Self.units, holders: holders)
        }
        #expect(shares.reduce(Set<String>()) { $0.union($1) } == Set(Self.units))
        #expect(shares.map(\.count).reduce(0, +) == Self.units.count)
        #expect(shares[2].count == 2)  // r2 held three: it keeps the extra slot, hands one on
    }

    @Test("random views: balanced, complete, and only the surplus and free items move", arguments: 1...40)
    func randomViews(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        let replicas = (0..<(1 + random.below(5))).map { "r\($0)" }
        let items = (0..<random.below(30)).map { "u\($0)" }
        var holders: [String: String] = [:]
        for item in items where random.below(3) > 0 { holders[item] = random.below(4) == 0 ? "dead" : replicas[random.below(replicas.count)] }
        let assignment = Balancer.assign(replicas: replicas, items: items, holders: holders)
        #expect(Set(assignment.keys) == Set(items))
        let shares = counts(assignment, replicas)
        #expect((shares.max() ?? 0) - (shares.min() ?? 0) <= 1)
        // What a live holder keeps is the most it can keep under any even split.
        let base = items.count / replicas.count
        let extra = items.count % replicas.count
        let held = replicas.map { replica in holders.values.filter { $0 == replica }.count }.sorted(by: >)
        let keepable = held.enumerated().map { min($0.element, base + ($0.offset < extra ? 1 : 0)) }.reduce(0, +)
        let kept = assignment.filter { holders[$0.key] == $0.value }.count
        #expect(kept == keepable)
    }
}

extension SeededRandom {
    /// A uniform value in `0..<bound` (0 when the bound is not positive).
    mutating func below(_ bound: Int) -> Int { bound > 0 ? Int.random(in: 0..<bound, using: &self) : 0 }
}
