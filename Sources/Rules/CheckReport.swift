import Foundation

/// The text and exit status of `tattle check`: the diagnostics (the first ``Diagnostic/listLimit``
/// and a count of the rest in text, every one in JSON), one per line in the compiler convention
/// editors and CI annotators read (`FILE:LINE:COL: error: PATH: message`, or
/// `FILE: warning: PATH: message` when the value could not be located), then a summary line that
/// counts them all.
public struct CheckReport: Sendable {
    /// How the report is printed.
    public enum Format: String, Sendable, CaseIterable {
        /// One diagnostic per line, then the summary. The default.
        case text
        /// One JSON object: `file`, `diagnostics` (`file`, `line`, `column`, `severity`, `path`,
        /// `message`), `errors`, `warnings`, `rules`, `receivers` (those two `null` on errors), `summary`.
        case json
    }

    /// What to print (ends with a newline).
    public var text: String
    /// 1 when there are errors, else 0.
    public var exitStatus: Int32

    /// A report of `diagnostics` found in `file` (the path as the user gave it).
    public init(file: String, diagnostics: [Diagnostic], ruleSet: RuleSet?, format: Format = .text) {
        let errors = diagnostics.filter(\.isError).count
        let warnings = diagnostics.count - errors
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        let summary: String
        let valid = errors == 0 && ruleSet != nil
        if valid, let ruleSet {
            summary =
                "OK: \(plural(ruleSet.rules.count, "rule")), \(plural(ruleSet.receiverConfigs.count, "receiver"))"
                + (ruleSet.accounts.map { ", \(plural($0.count, "account"))" } ?? "")
                + (warnings == 0 ? "; no problems" : "; \(plural(warnings, "warning"))")
        } else {
            summary = "\(plural(errors, "error")), \(plural(warnings, "warning"))"
        }
        exitStatus = errors > 0 ? 1 : 0
        switch format {
        case .text:
            text =
                (diagnostics.listed().map { $0.compilerLine(file: file) } + [summary]).joined(separator: "\n") + "\n"
        case .json:
            // Explicit nulls: a tool reads one shape whether or not a value was located or loaded.
            func value(_ number: Int?) -> Any { number.map { $0 as Any } ?? NSNull() }
            let items: [[String: Any]] = diagnostics.map {
                [
                    "file": file, "line": value($0.line), "column": value($0.column),
                    "severity": $0.severity.rawValue, "path": $0.path, "message": $0.message,
                ]
            }
            let report: [String: Any] = [
                "file": file, "diagnostics": items, "errors": errors, "warnings": warnings,
                "rules": value(valid ? ruleSet?.rules.count : nil),
                "receivers": value(valid ? ruleSet?.receiverConfigs.count : nil), "summary": summary,
            ]
            let data =
                (try? JSONSerialization.data(
                    withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
                ?? Data("{}".utf8)
            text = String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}

extension Diagnostic {
    /// The diagnostic in the compiler convention: `FILE:LINE:COL: severity: PATH: message`, or
    /// `FILE: severity: PATH: message` when the value could not be located. A line break in the
    /// message becomes a space, so one diagnostic is always one line.
    public func compilerLine(file: String) -> String {
        let location = line.flatMap { line in column.map { "\(file):\(line):\($0)" } } ?? file
        let oneLine =
            message.contains(where: \.isNewline)
            ? message.split(whereSeparator: \.isNewline).joined(separator: " ") : message
        return "\(location): \(severity.rawValue): \(path): \(oneLine)"
    }
}
