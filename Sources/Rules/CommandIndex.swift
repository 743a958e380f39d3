import Events

/// Skips rules that cannot match an event's command name: rules whose `match` requires the command
/// name to start with some text (`"invocation.commandName": {"glob": "deploy-*"}`, an equality, an
/// anchored regex, or an `any` whose every branch requires a common start) are filed under that
/// text, and an event only visits the rules filed under a prefix of its command name, plus every
/// rule without such a requirement. Order is preserved.
///
/// A rule with recovery must also see every success (a success clears a failure whether or not it
/// matches): a success visits every such rule, those filed under a prefix its command name lacks
/// for the recovery check alone (they cannot match it).
struct CommandIndex: Sendable {
    /// Rules without a command-name requirement.
    private let always: [Int]
    /// Rule positions by required prefix, grouped by prefix length in bytes.
    private let byLength: [(length: Int, rules: [String: [Int]])]
    /// The ASCII prefixes of ``byLength`` by their bytes, for ASCII command names: no string is
    /// built or hashed per prefix length (an ASCII text equals another only byte for byte, so the
    /// answers are those of ``byLength``; other names use ``byLength``).
    private let ascii: PrefixTable
    /// Rules with recovery that are filed under a prefix.
    private let recoveries: [Int]
    /// How many rules the index covers.
    private let ruleCount: Int

    static let field = "invocation.commandName"

    /// A rule an event visits.
    struct Candidate: Hashable, Sendable {
        /// The rule's position in the rules file.
        var position: Int
        /// The rule cannot match the event (its prefix is not the command name's); it is visited for
        /// the recovery check of a success only.
        var recoveryOnly: Bool
    }

    init(rules: [Rule]) {
        var always: [Int] = []
        var recoveries: [Int] = []
        var grouped: [Int: [String: [Int]]] = [:]
        for (index, rule) in rules.enumerated() {
            if let prefix = rule.condition.requiredPrefix(of: Self.field) {
                grouped[prefix.utf8.count, default: [:]][prefix, default: []].append(index)
                if rule.recovery != nil { recoveries.append(index) }
            } else {
                always.append(index)
            }
        }
        self.always = always
        self.recoveries = recoveries
        self.byLength = grouped.sorted { $0.key < $1.key }.map { (length: $0.key, rules: $0.value) }
        self.ascii = PrefixTable(
            byLength.flatMap { $0.rules }.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }.map {
                (Array($0.key.utf8), $0.value)
            })
        self.ruleCount = rules.count
    }

    /// Whether the index narrows anything (some rule has a requirement).
    var isUseful: Bool { !byLength.isEmpty }

    /// Calls `body` with the rules `event` visits, in file order, from a temporary buffer (nothing
    /// is allocated on the heap). `isSuccess`: whether the event is a success, which every rule
    /// with recovery must see.
    func withCandidates<Result>(
        for event: Event, isSuccess: Bool, _ body: (UnsafeBufferPointer<Candidate>) throws -> Result
    ) rethrows -> Result {
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: max(ruleCount, 1)) { matched in
            let count = candidates(name: event.invocation.commandName, into: matched)
            return try withUnsafeTemporaryAllocation(of: Candidate.self, capacity: max(ruleCount, 1)) { output in
                var written = 0
                var next = 0
                // Merge the rules filed under recovery (when a success) into those the name selects.
                for position in matched[..<count] {
                    while isSuccess, next < recoveries.count, recoveries[next] < position {
                        output[written] = Candidate(position: recoveries[next], recoveryOnly: true)
                        written += 1
                        next += 1
                    }
                    if isSuccess, next < recoveries.count, recoveries[next] == position { next += 1 }
                    output[written] = Candidate(position: position, recoveryOnly: false)
                    written += 1
                }
                while isSuccess, next < recoveries.count {
                    output[written] = Candidate(position: recoveries[next], recoveryOnly: true)
                    written += 1
                    next += 1
                }
                return try body(UnsafeBufferPointer(rebasing: output[..<written]))
            }
        }
    }

    /// Writes the positions of the rules `name` may match into `buffer` (ascending, sized for every
    /// rule); returns how many. Lists are merged in place from the back.
    private func candidates(name: String?, into buffer: UnsafeMutableBufferPointer<Int>) -> Int {
        var count = always.count
        _ = buffer.initialize(fromContentsOf: always)
        guard var name, !byLength.isEmpty else { return count }
        if let merged = name.withUTF8({ ascii.merge(prefixesOf: $0, into: buffer, count: count) }) {
            return merged
        }
        let utf8 = name.utf8
        for (length, rules) in byLength {
            guard length <= utf8.count else { break }
            let end = utf8.index(utf8.startIndex, offsetBy: length)
            guard let prefix = String(utf8[..<end]), let found = rules[prefix] else { continue }
            count = Self.merge(found, into: buffer, count: count)
        }
        return count
    }

    /// Merges the ascending `found` into the first `count` (ascending) positions of `buffer`, in
    /// place from the back; returns the new count.
    static func merge(_ found: [Int], into buffer: UnsafeMutableBufferPointer<Int>, count: Int) -> Int {
        var write = count + found.count - 1
        var mine = count - 1
        var theirs = found.count - 1
        while theirs >= 0 {
            if mine >= 0, buffer[mine] > found[theirs] {
                buffer[write] = buffer[mine]
                mine -= 1
            } else {
                buffer[write] = found[theirs]
                theirs -= 1
            }
            write -= 1
        }
        return count + found.count
    }

    /// Positions of the rules a success `event` visits, ascending (every rule with recovery included).
    func candidates(for event: Event) -> [Int] {
        withCandidates(for: event, isSuccess: true) { $0.map(\.position) }
    }
}

/// Rule lists by ASCII prefix, in an open-addressing table keyed by the FNV-1a hash of the bytes, so
/// that one pass over a command name finds the lists of all its prefixes.
struct PrefixTable: Sendable {
    /// Entry positions by hash slot (`-1`: empty); the count is a power of two.
    private let slots: [Int32]
    private let keys: [[UInt8]]
    private let hashes: [UInt64]
    private let values: [[Int]]
    /// The distinct key lengths, ascending.
    private let lengths: [Int]

    init(_ entries: [([UInt8], [Int])]) {
        var size = 1
        while size < entries.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (position, (key, _)) in entries.enumerated() {
            var slot = Self.slot(Self.hash(key[...]), size)
            while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(position)
        }
        self.slots = slots
        self.keys = entries.map(\.0)
        self.hashes = entries.map { Self.hash($0.0[...]) }
        self.values = entries.map(\.1)
        self.lengths = Set(entries.map(\.0.count)).sorted()
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3

    private static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(offsetBasis) { ($0 ^ UInt64($1)) &* prime }
    }

    private static func slot(_ hash: UInt64, _ size: Int) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 29)) & (size - 1)
    }

    /// Merges the lists of every prefix of `name` (shortest first) into `buffer` like
    /// ``CommandIndex/merge(_:into:count:)``; `nil` when `name` is not ASCII (nothing merged).
    func merge(prefixesOf name: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<Int>, count: Int)
        -> Int?
    {
        guard name.allSatisfy({ $0 < 0x80 }) else { return nil }
        var count = count
        guard !slots.isEmpty else { return count }
        var hash = Self.offsetBasis
        var hashed = 0
        for length in lengths {
            guard length <= name.count else { break }
            while hashed < length {
                hash = (hash ^ UInt64(name[hashed])) &* Self.prime
                hashed += 1
            }
            var slot = Self.slot(hash, slots.count)
            while slots[slot] >= 0 {
                let entry = Int(slots[slot])
                if hashes[entry] == hash, keys[entry].count == length,
                    keys[entry].elementsEqual(UnsafeBufferPointer(rebasing: name[..<length]))
                {
                    count = CommandIndex.merge(values[entry], into: buffer, count: count)
                    break
                }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
        return count
    }
}
