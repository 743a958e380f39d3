import Events
import Foundation

/// Walks a parsed rules file into a ``RuleSet``, reporting every problem to its ``LoadContext``.
final class Loader {
    /// Largest rules file accepted.
    static let maxFileBytes = 4 << 20
    /// Deepest `match` nesting accepted.
    static let maxMatchDepth = 32

    let data: Data
    let policy: RuleSet.ReferencePolicy
    let context: LoadContext
    var timeZone: TimeZone = .gmt
    var defaultThrottle: Double?
    var defaultGroupWait: Double?
    var defaultMute: [MuteWindow]?
    /// The accounts' names, for checking rules that match `account`. Default: the implicit one.
    var accountNames = [Account.defaultName]

    static let topKeys = ["version", "defaults", "accounts", "receivers", "rules", "$schema"]
    static let defaultsKeys = ["timeZone", "throttle", "groupWait", "mute"]

    init(data: Data, resolver: any ReferenceResolver, policy: RuleSet.ReferencePolicy) {
        self.data = data
        self.policy = policy
        self.context = LoadContext(
            locator: SourceLocator(data.count <= Self.maxFileBytes ? Array(data) : []), resolver: resolver)
    }

    func load() -> RuleSet? {
        guard data.count <= Self.maxFileBytes else {
            context.error(.root, "the file is \(data.count) bytes; the limit is \(Self.maxFileBytes)")
            return nil
        }
        if let message = context.locator.syntaxErrorMessage, message.hasPrefix("nesting deeper") {
            // Refuse before the decoder recurses into a hostile file.
            reportSyntax(CocoaError(.coderInvalidValue))
            return nil
        }
        let tree: JSONTree
        do {
            tree = try JSONTree.parse(data)
        } catch {
            reportSyntax(error)
            return nil
        }
        guard let top = context.object(tree, .root, allowed: Self.topKeys) else { return nil }
        switch top["version"] {
        case .none: context.error(.root + "version", "missing \"version\": add \"version\": 1")
        case .some(let value):
            if let version = context.integer(value, .root + "version", range: 0...1000), version != 1 {
                context.error(.root + "version", "unsupported version \(version); this Tattle reads version 1")
            }
        }
        if let defaults = top["defaults"] { loadDefaults(defaults, .root + "defaults") }
        let accounts = top["accounts"].map(loadAccounts)
        if let accounts { accountNames = accounts.map(\.name) }

        var receivers: [String: ReceiverConfig] = [:]
        var receiverPaths: [String: JSONPath] = [:]
        if let value = top["receivers"],
            let members = context.object(value, .root + "receivers", allowed: Array(Self.anyKey(value)))
        {
            for name in members.keys.sorted() {
                let path = JSONPath.root + "receivers" + name
                if name.isEmpty || name.count > 100 {
                    context.error(path, "receiver names must be 1 to 100 characters", atKey: true)
                }
                receiverPaths[name] = path
                if let receiver = loadReceiver(name: name, members[name]!, path) { receivers[name] = receiver }
            }
        } else if top["receivers"] == nil {
            context.error(.root + "receivers", "missing \"receivers\": declare at least one receiver")
        }

        var rules: [Rule] = []
        var rulePaths: [String: JSONPath] = [:]
        var usedReceivers: Set<String> = []
        switch top["rules"] {
        case .none: context.error(.root + "rules", "missing \"rules\": an array of rules")
        case .array(let items)?:
            var seen: [String: Int] = [:]
            for (index, item) in items.enumerated() {
                let path = JSONPath.root + "rules" + index
                // Receivers an enabled rule names count as used even when the rule has errors.
                if case .object(let members) = item, members["enabled"] != .bool(false) {
                    switch members["receivers"] {
                    case .string(let name)?: usedReceivers.insert(name)
                    case .array(let names)?:
                        for case .string(let name) in names { usedReceivers.insert(name) }
                    default: break
                    }
                }
                guard let rule = loadRule(item, path, receiverNames: Set(receiverPaths.keys)) else { continue }
                if let earlier = seen[rule.name] {
                    context.error(
                        path + "name",
                        "duplicate rule name \"\(rule.name)\" (also rules[\(earlier)]); names must be unique")
                } else {
                    seen[rule.name] = index
                    rulePaths[rule.name] = path
                }
                rules.append(rule)
            }
        case let value?: context.error(.root + "rules", "expected an array of rules, found \(value.typeName)")
        }

        checkReferences(receivers: &receivers, paths: receiverPaths, used: usedReceivers)
        for name in receiverPaths.keys.sorted() where !usedReceivers.contains(name) {
            context.warning(receiverPaths[name]!, "receiver \"\(name)\" is not used by any enabled rule", atKey: true)
        }
        TemplateCheck(context: context).check(
            rules: rules, rulePaths: rulePaths, receivers: receivers, receiverPaths: receiverPaths)
        return RuleSet(version: 1, rules: rules, receiverConfigs: receivers, timeZone: timeZone, accounts: accounts)
    }

    static func anyKey(_ value: JSONTree) -> [String] {
        if case .object(let members) = value { return Array(members.keys) }
        return []
    }

    private func reportSyntax(_ error: any Error) {
        let locator = context.locator
        var message = "the file is not valid JSON"
        if case DecodingError.dataCorrupted(let details) = error, let underlying = details.underlyingError {
            let text = "\(underlying)"
            if text.contains("nested") || text.contains("depth") { message += " (nested too deeply)" }
        }
        if let offset = locator.syntaxErrorOffset {
            let position = locator.lineColumn(ofOffset: offset)
            context.diagnostics.append(
                Diagnostic(
                    .error, path: "$", message: message + ": \(locator.syntaxErrorMessage ?? "syntax error")",
                    line: position.line, column: position.column)
            )
        } else {
            context.error(.root, message)
        }
    }

    private func loadDefaults(_ value: JSONTree, _ path: JSONPath) {
        guard let members = context.object(value, path, allowed: Self.defaultsKeys) else { return }
        if let zone = context.string(members["timeZone"], path + "timeZone") {
            if let parsed = Self.timeZone(zone) {
                timeZone = parsed
            } else {
                context.error(
                    path + "timeZone",
                    "unknown time zone \"\(zone)\": use an IANA name such as \"Asia/Shanghai\" or \"UTC\"")
            }
        }
        defaultThrottle = context.duration(members["throttle"], path + "throttle", range: 0...(30 * 86400))
        defaultGroupWait = context.duration(members["groupWait"], path + "groupWait", range: 0...86400)
        if let mute = members["mute"] { defaultMute = loadMute(mute, path + "mute") }
    }

    static func timeZone(_ name: String) -> TimeZone? {
        if name == "UTC" || name == "GMT" { return .gmt }
        return TimeZone(identifier: name)
    }

    /// Applies the reference policy: unresolved references warn, or fail when their receiver is used.
    private func checkReferences(
        receivers: inout [String: ReceiverConfig], paths: [String: JSONPath], used: Set<String>
    ) {
        for (path, reference) in context.missingReferences {
            let receiverName = paths.first { path.components.starts(with: $0.value.components) }?.key
            let what =
                reference.hasPrefix("env:")
                ? "environment variable \(reference.dropFirst(4)) is not set"
                : "file \(reference.dropFirst(5)) cannot be read"
            if policy == .failIfUsed, let receiverName, used.contains(receiverName) {
                context.error(path, "\(what) (receiver \"\(receiverName)\" is used by an enabled rule)")
            } else if policy == .failIfUsed, receiverName == nil {
                context.error(path, what)
            } else {
                context.warning(path, what)
            }
            if let receiverName { receivers[receiverName]?.missingReferences.append(reference) }
        }
    }
}
