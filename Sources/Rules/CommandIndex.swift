import Events

/// Skips rules that cannot match an event's command name: rules whose `match` requires the command
/// name to start with some text (`"invocation.commandName": {"glob": "deploy-*"}`, an equality or an
/// anchored regex) are filed under that text, and an event only visits the rules filed under a prefix
/// of its command name, plus every rule without such a requirement. Order is preserved.
struct CommandIndex: Sendable {
    /// Rules without a command-name requirement (or with recovery, which must see every success).
    private let always: [Int]
    /// Rule positions by required prefix, grouped by prefix length in bytes.
    private let byLength: [(length: Int, rules: [String: [Int]])]

    static let field = "invocation.commandName"

    init(rules: [Rule]) {
        var always: [Int] = []
        var grouped: [Int: [String: [Int]]] = [:]
        for (index, rule) in rules.enumerated() {
            if rule.recovery == nil, let prefix = rule.condition.requiredPrefix(of: Self.field) {
                grouped[prefix.utf8.count, default: [:]][prefix, default: []].append(index)
            } else {
                always.append(index)
            }
        }
        self.always = always
        self.byLength = grouped.sorted { $0.key < $1.key }.map { (length: $0.key, rules: $0.value) }
    }

    /// Whether the index narrows anything (some rule has a requirement).
    var isUseful: Bool { !byLength.isEmpty }

    /// Positions of the rules `event` may match, ascending.
    func candidates(for event: Event) -> [Int] {
        guard let name = event.invocation.commandName, !byLength.isEmpty else { return always }
        var result = always
        let utf8 = name.utf8
        for (length, rules) in byLength {
            guard length <= utf8.count else { break }
            let end = utf8.index(utf8.startIndex, offsetBy: length)
            guard let prefix = String(utf8[..<end]), let found = rules[prefix] else { continue }
            result += found
        }
        if result.count != always.count { result.sort() }
        return result
    }
}
