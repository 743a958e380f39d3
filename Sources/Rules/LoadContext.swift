import Events
import Foundation

/// Collects diagnostics while the loader walks the parsed file, with typed accessors that report
/// wrong types and unknown keys at their path instead of stopping.
final class LoadContext {
    var diagnostics: [Diagnostic] = []
    let locator: SourceLocator
    let resolver: any ReferenceResolver
    /// Unresolved references met while reading, by path (a receiver's are checked against use).
    var missingReferences: [(path: JSONPath, reference: String)] = []

    init(locator: SourceLocator, resolver: any ReferenceResolver) {
        self.locator = locator
        self.resolver = resolver
    }

    /// Diagnostics after this many are still reported, but without line:column: locating a path
    /// scans the text, and a hostile file with tens of thousands of problems must not take hours.
    static let locatedLimit = 100

    func report(_ severity: Diagnostic.Severity, _ path: JSONPath, _ message: String, atKey: Bool = false) {
        let position =
            diagnostics.count < Self.locatedLimit ? locator.position(of: path, preferKey: atKey) : nil
        diagnostics.append(
            Diagnostic(
                severity, path: path.description, message: message, line: position?.line, column: position?.column)
        )
    }

    func error(_ path: JSONPath, _ message: String, atKey: Bool = false) { report(.error, path, message, atKey: atKey) }
    func warning(_ path: JSONPath, _ message: String, atKey: Bool = false) {
        report(.warning, path, message, atKey: atKey)
    }

    /// The members of an object, reporting a wrong type and every key not in `allowed`.
    func object(_ value: JSONTree, _ path: JSONPath, allowed: [String]) -> [String: JSONTree]? {
        guard case .object(let members) = value else {
            error(path, "expected an object, found \(value.typeName)")
            return nil
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            error(path + key, "unknown key \"\(key)\"" + Suggest.hint(for: key, among: allowed), atKey: true)
        }
        return members
    }

    /// A string, with `${env:…}`/`${file:…}` references resolved.
    func string(_ value: JSONTree?, _ path: JSONPath, resolve: Bool = true) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else {
            error(path, "expected a string, found \(value.typeName)")
            return nil
        }
        guard resolve else { return text }
        let (resolved, missing) = References.resolve(text, with: resolver)
        for reference in missing {
            missingReferences.append((path, reference))
        }
        return resolved
    }

    func bool(_ value: JSONTree?, _ path: JSONPath) -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value else {
            error(path, "expected true or false, found \(value.typeName)")
            return nil
        }
        return flag
    }

    func number(_ value: JSONTree?, _ path: JSONPath, range: ClosedRange<Double>) -> Double? {
        guard let value else { return nil }
        guard case .number(let number) = value else {
            error(path, "expected a number, found \(value.typeName)")
            return nil
        }
        guard number.isFinite, range.contains(number) else {
            error(
                path,
                "\(FieldValue.number(number).text ?? "value") is out of range \(Int(range.lowerBound))…\(Int(range.upperBound))"
            )
            return nil
        }
        return number
    }

    func integer(_ value: JSONTree?, _ path: JSONPath, range: ClosedRange<Int>) -> Int? {
        guard let number = number(value, path, range: Double(range.lowerBound)...Double(range.upperBound)) else {
            return nil
        }
        guard number == number.rounded() else {
            error(path, "expected a whole number, found \(number)")
            return nil
        }
        return Int(number)
    }

    /// A duration (`"30s"`, `"10m"`, a number of seconds) within `range` seconds.
    func duration(_ value: JSONTree?, _ path: JSONPath, range: ClosedRange<Double>) -> Double? {
        guard let value else { return nil }
        let seconds: Double?
        switch value {
        case .number(let number): seconds = number
        case .string(let text): seconds = DurationText.seconds(text)
        default:
            error(path, "expected a duration such as \"30s\", \"10m\", \"2h\", found \(value.typeName)")
            return nil
        }
        guard let seconds, seconds.isFinite else {
            error(
                path,
                "invalid duration \(value.shortText): use a number with ms, s, m, h or d, e.g. \"500ms\", \"30s\", \"10m\", \"2h\", \"1d\""
            )
            return nil
        }
        guard range.contains(seconds) else {
            error(
                path,
                "duration \(value.shortText) is out of range \(DurationText.format(range.lowerBound))…\(DurationText.format(range.upperBound))"
            )
            return nil
        }
        return seconds
    }

    /// An array of strings; a single string is accepted as a one-element array.
    func strings(_ value: JSONTree?, _ path: JSONPath, resolve: Bool = true) -> [String]? {
        guard let value else { return nil }
        if case .string = value { return string(value, path, resolve: resolve).map { [$0] } }
        guard case .array(let items) = value else {
            error(path, "expected an array of strings, found \(value.typeName)")
            return nil
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, path + index, resolve: resolve) { result.append(text) }
        }
        return result
    }
}

extension JSONTree {
    /// The value as written, shortened, for messages.
    var shortText: String {
        switch self {
        case .string(let text): "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case .number(let number): FieldValue.number(number).text ?? "\(number)"
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
