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

    /// The diagnostics to show a person: every one up to `limit`, then one that counts the rest, as
    /// compilers do, so a generated file with 50,000 copies of one mistake gets a readable report and
    /// a rejected reload one bounded log line, not 50,000. Errors come first in a load's list, so
    /// the listed part is the most important one.
    public func listed(limit: Int = Diagnostic.listLimit) -> [Diagnostic] {
        guard count > limit else { return self }
        let rest = self[limit...]
        let errors = rest.count { $0.isError }
        let counted =
            errors == rest.count
            ? "\(errors) more errors" : errors == 0
                ? "\(rest.count) more warnings" : "\(errors) more errors and \(rest.count - errors) more warnings"
        return Array(prefix(limit)) + [
            Diagnostic(
                errors > 0 ? .error : .warning, path: "$",
                message: "\(counted) not listed (the first \(limit) are above); fix these and check again")
        ]
    }
}

extension Diagnostic {
    /// How many diagnostics ``Swift/Array/listed(limit:)`` shows by default.
    public static let listLimit = 100
}
