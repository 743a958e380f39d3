/// The text and exit status of `tattle check`: every diagnostic, then a summary.
public struct CheckReport: Sendable {
    /// What to print (ends with a newline).
    public var text: String
    /// 1 when there are errors, else 0.
    public var exitStatus: Int32

    public init(diagnostics: [Diagnostic], ruleSet: RuleSet?) {
        var lines = diagnostics.map(\.description)
        let errors = diagnostics.filter(\.isError).count
        let warnings = diagnostics.count - errors
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        if errors == 0, let ruleSet {
            let summary =
                "OK: \(plural(ruleSet.rules.count, "rule")), \(plural(ruleSet.receiverConfigs.count, "receiver"))"
            lines.append(summary + (warnings == 0 ? "; no problems" : "; \(plural(warnings, "warning"))"))
        } else {
            lines.append("\(plural(errors, "error")), \(plural(warnings, "warning"))")
        }
        text = lines.joined(separator: "\n") + "\n"
        exitStatus = errors > 0 ? 1 : 0
    }
}
