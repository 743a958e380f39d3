import Events
import Foundation

extension Loader {
    static let ruleKeys = [
        "name", "description", "enabled", "match", "receivers", "continue", "throttle", "groupBy", "groupWait", "mute",
        "recovery", "title", "body",
    ]

    func loadRule(_ value: JSONTree, _ path: JSONPath, receiverNames: Set<String>) -> Rule? {
        guard let members = context.object(value, path, allowed: Self.ruleKeys) else { return nil }
        var ok = true
        let name = context.string(members["name"], path + "name", resolve: false)
        if members["name"] == nil { context.error(path + "name", "missing \"name\"") }
        if let name, name.isEmpty || name.count > 200 {
            context.error(path + "name", "rule names must be 1 to 200 characters")
            ok = false
        }
        let enabled = context.bool(members["enabled"], path + "enabled") ?? true

        var receivers: [String] = []
        if let list = context.strings(members["receivers"], path + "receivers", resolve: false) {
            for (index, receiver) in list.enumerated() {
                if !receiverNames.contains(receiver) {
                    context.error(
                        path + "receivers" + index,
                        "unknown receiver \"\(receiver)\"" + Suggest.hint(for: receiver, among: Array(receiverNames)))
                    ok = false
                } else if receivers.contains(receiver) {
                    context.warning(path + "receivers" + index, "receiver \"\(receiver)\" is listed twice")
                } else {
                    receivers.append(receiver)
                }
            }
            if list.isEmpty {
                context.warning(path + "receivers", "no receivers: the rule matches but notifies nobody")
            }
        } else if members["receivers"] == nil {
            context.error(path + "receivers", "missing \"receivers\": the names of receivers to notify")
            ok = false
        }

        let continueMatching = context.bool(members["continue"], path + "continue") ?? false
        let throttle =
            members["throttle"].map { context.duration($0, path + "throttle", range: 0...(30 * 86400)) }
            ?? defaultThrottle
        let groupWait =
            members["groupWait"].map { context.duration($0, path + "groupWait", range: 0...86400) } ?? defaultGroupWait
        var groupBy: [EventField] = []
        if let paths = context.strings(members["groupBy"], path + "groupBy", resolve: false) {
            for (index, fieldPath) in paths.enumerated() {
                if let field = field(fieldPath, path + "groupBy" + index) { groupBy.append(field) }
            }
        }
        if let groupWait, groupWait > 0, groupBy.isEmpty, members["groupWait"] != nil {
            context.warning(
                path + "groupWait",
                "groupWait without groupBy: every event of the rule waits and is sent in one message")
        }
        if let throttle, let groupWait, throttle > 0, throttle < groupWait {
            context.warning(
                path + "throttle", "throttle is shorter than groupWait; the throttle window starts when a group opens")
        }

        var mute = defaultMute ?? []
        if let muteValue = members["mute"] { mute = loadMute(muteValue, path + "mute") ?? [] }

        var recovery: Rule.Recovery?
        switch members["recovery"] {
        case .none: break
        case .bool(let flag)?:
            recovery =
                flag
                ? Rule.Recovery(
                    keyBy: Rule.defaultRecoveryKey, fields: Rule.defaultRecoveryKey.compactMap(EventField.init))
                : nil
        case let value?:
            if let object = context.object(value, path + "recovery", allowed: ["enabled", "keyBy"]) {
                let on = context.bool(object["enabled"], path + "recovery" + "enabled") ?? true
                let keyBy =
                    context.strings(object["keyBy"], path + "recovery" + "keyBy", resolve: false)
                    ?? Rule.defaultRecoveryKey
                let fields = keyBy.enumerated().compactMap {
                    field($0.element, path + "recovery" + "keyBy" + $0.offset)
                }
                if keyBy.isEmpty { context.error(path + "recovery" + "keyBy", "keyBy needs at least one field path") }
                if on, !keyBy.isEmpty { recovery = Rule.Recovery(keyBy: keyBy, fields: fields) }
            }
        }

        var condition = Condition.always
        if let match = members["match"] {
            if let parsed = loadCondition(match, path + "match", depth: 0) { condition = parsed } else { ok = false }
        } else {
            context.error(path + "match", "missing \"match\" (use {} to match every event)")
            ok = false
        }
        var templates = MessageTemplates()
        templates.title = compileTemplate(members["title"], path + "title", kind: .text)
        templates.body = compileTemplate(members["body"], path + "body", kind: .text)
        guard ok, let name else { return nil }
        return Rule(
            name: name, description: context.string(members["description"], path + "description", resolve: false),
            enabled: enabled, receivers: receivers, continueMatching: continueMatching,
            throttleSeconds: throttle.flatMap { $0 > 0 ? $0 : nil },
            groupBy: groupBy, groupWaitSeconds: groupWait ?? 0, mute: mute, recovery: recovery, templates: templates,
            condition: condition
        )
    }

    /// A field path, or an error with a suggestion.
    func field(_ fieldPath: String, _ path: JSONPath, atKey: Bool = false) -> EventField? {
        if let field = EventField(fieldPath) { return field }
        context.error(
            path, "unknown event field \"\(fieldPath)\"" + Suggest.hint(for: fieldPath, among: EventField.knownPaths),
            atKey: atKey)
        return nil
    }
}
