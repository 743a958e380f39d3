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
        guard let name, !byLength.isEmpty else { return count }
        let utf8 = name.utf8
        for (length, rules) in byLength {
            guard length <= utf8.count else { break }
            let end = utf8.index(utf8.startIndex, offsetBy: length)
            guard let prefix = String(utf8[..<end]), let found = rules[prefix] else { continue }
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
            count += found.count
        }
        return count
    }

    /// Positions of the rules a success `event` visits, ascending (every rule with recovery included).
    func candidates(for event: Event) -> [Int] {
        withCandidates(for: event, isSuccess: true) { $0.map(\.position) }
    }
}
