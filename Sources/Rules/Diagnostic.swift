/// One problem found in a rules file, with where it is.
///
/// Printed as `path (line:col): error|warning: message`, the form `tattle check` uses.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// The file cannot be used (load returns no rule set).
        case error
        /// The file works, but probably not as intended.
        case warning

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .error && rhs == .warning }
    }

    public var severity: Severity
    /// JSON path of the offending value, e.g. `rules[3].match.regex`; `$` for the whole file.
    public var path: String
    /// 1-based line of the value in the file, when it could be located.
    public var line: Int?
    /// 1-based column of the value in the file, when it could be located.
    public var column: Int?
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    public init(_ severity: Severity, path: String, message: String, line: Int? = nil, column: Int? = nil) {
        self.severity = severity
        self.path = path
        self.message = message
        self.line = line
        self.column = column
    }

    /// `path (line:col): severity: message`.
    public var description: String {
        var text = path
        if let line, let column { text += " (\(line):\(column))" }
        return text + ": \(severity.rawValue): \(message)"
    }

    /// Whether the diagnostic is an error.
    public var isError: Bool { severity == .error }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.isError } }
}
