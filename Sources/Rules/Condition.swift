import Events
import Foundation

/// A rule's `match` tree, compiled: composition (`all`, `any`, `not`) over tests of event fields.
indirect enum Condition: Sendable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case field(EventField, FieldTest)

    /// A condition that matches every event (an empty `match`).
    static let always = Condition.all([])

    /// Why `event` does not match, or `nil` when it does (for `tattle test-rule`, not the hot path).
    func mismatch(_ event: Event) -> String? {
        switch self {
        case .all(let children):
            for child in children { if let reason = child.mismatch(event) { return reason } }
            return nil
        case .any(let children):
            let reasons = children.compactMap { $0.mismatch(event) }
            return reasons.count == children.count && !children.isEmpty
                ? "none of: " + reasons.joined(separator: "; ") : nil
        case .not(let child):
            return child.mismatch(event) == nil ? "not(\(child.summary)) is false" : nil
        case .field(let field, let test):
            let value = field.read(event)
            if test.holds(value) { return nil }
            let shown: String
            switch value {
            case .missing: shown = "absent"
            case .string(let text): shown = "\"\(text)\""
            default: shown = value.text ?? "absent"
            }
            return "\(field.path) is \(shown), wanted \(test.summary)"
        }
    }

    /// Relative cost of evaluating the condition, to test cheap parts first.
    var cost: Int {
        switch self {
        case .all(let children), .any(let children): children.reduce(0) { $0 + $1.cost }
        case .not(let child): child.cost
        case .field(_, let test): test.cost
        }
    }

    /// Text that `field` must start with for the condition to hold, when the condition says so at
    /// its top level (an `all` part that is an equality, a glob or an anchored regex, or an `any`
    /// whose every branch requires a prefix: then the start they share). Used to skip rules that
    /// cannot match; `nil` when there is no such requirement.
    func requiredPrefix(of path: String) -> String? {
        switch self {
        case .all(let children): return children.lazy.compactMap { $0.requiredPrefix(of: path) }.first
        case .any(let children) where !children.isEmpty:
            var shared: String.UnicodeScalarView?
            for child in children {
                guard let prefix = child.requiredPrefix(of: path) else { return nil }
                guard let sofar = shared else {
                    shared = prefix.unicodeScalars
                    continue
                }
                shared = String.UnicodeScalarView(zip(sofar, prefix.unicodeScalars).prefix { $0 == $1 }.map(\.0))
            }
            return shared.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        case .field(let field, let test) where field.path == path: return test.requiredPrefix
        default: return nil
        }
    }

    /// A short text form of the condition.
    var summary: String {
        switch self {
        case .all(let children):
            children.count == 1 ? children[0].summary : "all(\(children.map(\.summary).joined(separator: ", ")))"
        case .any(let children): "any(\(children.map(\.summary).joined(separator: ", ")))"
        case .not(let child): "not(\(child.summary))"
        case .field(let field, let test): "\(field.path) \(test.summary)"
        }
    }
}

/// A test of one field's value.
indirect enum FieldTest: Sendable {
    case equals(FieldValue)
    case oneOf(Set<String>, display: [String])
    case glob(Glob)
    case regex(BoundedRegex)
    case exists(Bool)
    case compare(Comparison, Double)
    case not(FieldTest)
    case all([FieldTest])

    /// Numeric comparison operators.
    enum Comparison: String, Sendable {
        case gt, gte, lt, lte
    }

    /// Whether `value` passes the test (``Matcher`` specialises the common cases of this).
    func holds(_ value: FieldValue) -> Bool {
        switch self {
        case .equals(.missing): value == .missing
        case .equals(.number(let number)): value.number == number
        case .equals(let expected): value.text == expected.text
        case .oneOf(let set, _): value.text.map { set.contains($0) } ?? false
        case .glob(let glob): value.text.map { glob.matches($0) } ?? false
        case .regex(let regex): value.text.map { regex.matches($0) } ?? false
        case .exists(let wanted): (value != .missing) == wanted
        case .compare(let op, let bound): value.number.map { op.holds($0, bound) } ?? false
        case .not(let test): !test.holds(value)
        case .all(let tests): tests.allSatisfy { $0.holds(value) }
        }
    }

    /// Text a matching value must start with, or `nil`.
    var requiredPrefix: String? {
        let prefix: String
        switch self {
        case .equals(.string(let value)): prefix = value
        case .glob(let glob): prefix = glob.literalPrefix
        case .regex(let regex): prefix = regex.requiredPrefix
        case .all(let tests): return tests.lazy.compactMap(\.requiredPrefix).first
        default: return nil
        }
        return prefix.isEmpty ? nil : prefix
    }

    /// Relative cost: regexes are far dearer than comparisons.
    var cost: Int {
        switch self {
        case .equals, .oneOf, .exists, .compare: 1
        case .glob: 2
        case .regex: 20
        case .not(let test): test.cost
        case .all(let tests): tests.reduce(0) { $0 + $1.cost }
        }
    }

    var summary: String {
        switch self {
        case .equals(let value): "equals \(value.text.map { "\"\($0)\"" } ?? "null")"
        case .oneOf(_, let display): "in [\(display.joined(separator: ", "))]"
        case .glob(let glob): "glob \"\(glob.pattern)\""
        case .regex(let regex): "regex /\(regex.pattern)/"
        case .exists(let wanted): wanted ? "exists" : "absent"
        case .compare(let op, let bound): "\(op.rawValue) \(FieldValue.number(bound).text ?? "")"
        case .not(let test): "not(\(test.summary))"
        case .all(let tests): tests.map(\.summary).joined(separator: " and ")
        }
    }
}
