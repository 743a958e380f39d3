import Foundation

/// Resolves the `${env:NAME}` and `${file:PATH}` references of the rules file. Injected so that
/// loading stays testable and `tattle check` can run without the production secrets.
public protocol ReferenceResolver: Sendable {
    /// The value of environment variable `name`, or `nil` when it is not set.
    func environment(_ name: String) -> String?
    /// The contents of the file at `path` (one trailing newline removed), or `nil` when unreadable.
    func file(_ path: String) -> String?
}

/// Reads the process environment and the file system.
public struct ProcessReferenceResolver: ReferenceResolver {
    public init() {}

    public func environment(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    public func file(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8)
        else { return nil }
        if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

/// Fixed values, for tests and examples.
public struct StaticReferenceResolver: ReferenceResolver {
    /// Environment variables by name; default none.
    public var variables: [String: String]
    /// File contents by path; default none.
    public var files: [String: String]

    public init(variables: [String: String] = [:], files: [String: String] = [:]) {
        self.variables = variables
        self.files = files
    }

    public func environment(_ name: String) -> String? { variables[name] }
    public func file(_ path: String) -> String? { files[path] }
}

/// Substitution of `${env:…}` / `${file:…}` inside a string value.
enum References {
    /// The string with every reference replaced, and the references that could not be resolved
    /// (`env:NAME` / `file:PATH`; their text is kept as written).
    static func resolve(_ text: String, with resolver: any ReferenceResolver) -> (String, missing: [String]) {
        guard text.contains("${") else { return (text, []) }
        var output = ""
        var missing: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                output += rest[start.lowerBound...]
                rest = ""
                break
            }
            let reference = String(rest[start.upperBound..<end])
            if reference.hasPrefix("env:") {
                let name = String(reference.dropFirst(4))
                if let value = resolver.environment(name) {
                    output += value
                } else {
                    missing.append(reference)
                    output += rest[start.lowerBound...end]
                }
            } else if reference.hasPrefix("file:") {
                let path = String(reference.dropFirst(5))
                if let value = resolver.file(path) {
                    output += value
                } else {
                    missing.append(reference)
                    output += rest[start.lowerBound...end]
                }
            } else {
                output += rest[start.lowerBound...end]
            }
            rest = rest[rest.index(after: end)...]
        }
        output += rest
        return (output, missing)
    }
}
