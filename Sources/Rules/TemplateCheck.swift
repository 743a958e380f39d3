import Events
import Foundation

/// Checks templates at load time: variables that do not exist (warnings) and rendering against a
/// sample event of each type (`format: template` bodies must produce valid JSON).
struct TemplateCheck {
    let context: LoadContext

    func check(
        rules: [Rule], rulePaths: [String: JSONPath], receivers: [String: ReceiverConfig],
        receiverPaths: [String: JSONPath]
    ) {
        for rule in rules {
            guard let path = rulePaths[rule.name] else { continue }
            checkVariables(rule.templates.title, path + "title")
            checkVariables(rule.templates.body, path + "body")
            if rule.templates.title != nil {
                checkNotEmpty(rule: rule, receiver: rule.receivers.first.flatMap { receivers[$0] }, path + "title")
            }
        }
        for (name, config) in receivers.sorted(by: { $0.key < $1.key }) {
            guard let path = receiverPaths[name] else { continue }
            checkVariables(config.templates.title, path + "title")
            checkVariables(config.templates.body, path + "body")
            checkVariables(config.templates.html, path + "html")
            checkVariables(config.templates.bodyTemplate, path + "bodyTemplate")
            if config.templates.title != nil { checkNotEmpty(rule: nil, receiver: config, path + "title") }
            guard config.receiver.platform == .webhook, config.receiver.format == "template",
                config.templates.bodyTemplate != nil
            else {
                continue
            }
            var renderable = config
            renderable.missingReferences = []
            if renderable.receiver.url?.isEmpty ?? true { renderable.receiver.url = "https://example.invalid/" }
            for event in SampleEvents.all {
                for isRecovery in [false, true] {
                    do {
                        _ = try Renderer.render(
                            rule: nil, receiver: renderable, events: [event], isRecovery: isRecovery)
                    } catch {
                        context.error(
                            path + "bodyTemplate", "with a sample \(event.type.rawValue) event: \(error.message)")
                        return
                    }
                }
            }
        }
    }

    /// Warns when a title override renders empty for every sample event (a message without a title).
    private func checkNotEmpty(rule: Rule?, receiver: ReceiverConfig?, _ path: JSONPath) {
        guard let receiver else { return }
        let empty = SampleEvents.all.allSatisfy { event in
            Renderer.text(rule: rule, receiver: receiver, events: [event], isRecovery: false).title.isEmpty
        }
        if empty { context.warning(path, "renders empty for a sample event of every type") }
    }

    private func checkVariables(_ template: CompiledTemplate?, _ path: JSONPath) {
        guard let template else { return }
        if template.source.contains("{{>") {
            context.warning(path, "partials ({{>name}}) are not available in rules-file templates; they render empty")
        }
        for name in Self.unknownVariables(in: template.source) {
            let candidates =
                Array(TemplateSchema.message.keys) + ["invocation.commandName", "task.exitCode", "task.errorInfo"]
            context.warning(
                path,
                "unknown template variable \"\(name)\"" + Suggest.hint(for: name, among: candidates)
                    + "; it renders empty")
        }
    }

    /// Variable names used in `source` that no context provides, in order of first use.
    static func unknownVariables(in source: String) -> [String] {
        var scopes: [[String: TemplateSchema]] = [TemplateSchema.message]
        var unknown: [String] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            var afterOpen = open.upperBound
            var closing = "}}"
            if afterOpen < rest.endIndex, rest[afterOpen] == "{" {
                afterOpen = rest.index(after: afterOpen)
                closing = "}}}"
            }
            guard let close = rest[afterOpen...].range(of: closing) else { break }
            var tag = rest[afterOpen..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            var sigil: Character = " "
            if let first = tag.first, "#^/&!>%=$<".contains(first) {
                sigil = first
                tag = String(tag.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            if sigil == "=" { return unknown }  // custom delimiters: give up rather than guess
            if "!>%$<".contains(sigil) { continue }
            if sigil == "/" {
                if scopes.count > 1 { scopes.removeLast() }
                continue
            }
            // Transforms: `uppercased(name)`.
            if let paren = tag.lastIndex(of: "("), tag.hasSuffix(")") {
                tag = String(tag[tag.index(after: paren)..<tag.index(before: tag.endIndex)])
            }
            var schema: TemplateSchema?
            if tag == "." || tag.isEmpty {
                schema = .leaf
            } else {
                for scope in scopes.reversed() {
                    if let found = TemplateSchema.resolve(tag, in: scope) {
                        schema = found
                        break
                    }
                }
            }
            if schema == nil, !unknown.contains(tag) { unknown.append(tag) }
            if sigil == "#" || sigil == "^" {
                switch schema {
                case .list(let members)? where sigil == "#": scopes.append(members)
                case .object(let members)? where sigil == "#": scopes.append(members)
                default: scopes.append([:])
                }
            }
        }
        return unknown
    }
}
