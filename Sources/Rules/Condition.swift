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

    /// Compiles the tree into one closure (no tree walk or lookups at match time).
    func compile() -> @Sendable (Event) -> Bool {
        switch self {
        case let .all(children):
            let compiled = children.map { $0.compile() }
            switch compiled.count {
            case 0: return { _ in true }
            case 1: return compiled[0]
            case 2:
                let (first, second) = (compiled[0], compiled[1])
                return { first($0) && second($0) }
            default: return { event in compiled.allSatisfy { $0(event) } }
            }
        case let .any(children):
            let compiled = children.map { $0.compile() }
            if compiled.count == 1 { return compiled[0] }
            return { event in compiled.contains { $0(event) } }
        case let .not(child):
            let compiled = child.compile()
            return { !compiled($0) }
        case let .field(field, test):
            let read = field.read
            let check = test.compile()
            return { check(read($0)) }
        }
    }

    /// Why `event` does not match, or `nil` when it does (for `tattle test-rule`, not the hot path).
    func mismatch(_ event: Event) -> String? {
        switch self {
        case let .all(children):
            for child in children { if let reason = child.mismatch(event) { return reason } }
            return nil
        case let .any(children):
            let reasons = children.compactMap { $0.mismatch(event) }
            return reasons.count == children.count && !children.isEmpty
                ? "none of: " + reasons.joined(separator: "; ") : nil
        case let .not(child):
            return child.mismatch(event) == nil ? "not(\(child.summary)) is false" : nil
        case let .field(field, test):
            let value = field.read(event)
            if test.compile()(value) { return nil }
            return "\(field.path) is \(value.text.map { "\"\($0)\"" } ?? "absent"), wanted \(test.summary)"
        }
    }

    /// Relative cost of evaluating the condition, to test cheap parts first.
    var cost: Int {
        switch self {
        case let .all(children), let .any(children): children.reduce(0) { $0 + $1.cost }
        case let .not(child): child.cost
        case let .field(_, test): test.cost
        }
    }

    /// A short text form of the condition.
    var summary: String {
        switch self {
        case let .all(children): children.count == 1 ? children[0].summary : "all(\(children.map(\.summary).joined(separator: ", ")))"
        case let .any(children): "any(\(children.map(\.summary).joined(separator: ", ")))"
        case let .not(child): "not(\(child.summary))"
        case let .field(field, test): "\(field.path) \(test.summary)"
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

    func compile() -> @Sendable (FieldValue) -> Bool {
        switch self {
        case let .equals(expected):
            switch expected {
            case .missing: return { $0 == .missing }
            case let .number(number): return { $0.number == number }
            default:
                let text = expected.text
                return { $0.text == text }
            }
        case let .oneOf(set, _):
            return { value in value.text.map { set.contains($0) } ?? false }
        case let .glob(glob):
            return { value in value.text.map { glob.matches($0) } ?? false }
        case let .regex(regex):
            return { value in value.text.map { regex.matches($0) } ?? false }
        case let .exists(wanted):
            return { ($0 != .missing) == wanted }
        case let .compare(op, bound):
            switch op {
            case .gt: return { ($0.number).map { $0 > bound } ?? false }
            case .gte: return { ($0.number).map { $0 >= bound } ?? false }
            case .lt: return { ($0.number).map { $0 < bound } ?? false }
            case .lte: return { ($0.number).map { $0 <= bound } ?? false }
            }
        case let .not(test):
            let compiled = test.compile()
            return { !compiled($0) }
        case let .all(tests):
            let compiled = tests.map { $0.compile() }
            if compiled.count == 1 { return compiled[0] }
            return { value in compiled.allSatisfy { $0(value) } }
        }
    }

    /// Relative cost: regexes are far dearer than comparisons.
    var cost: Int {
        switch self {
        case .equals, .oneOf, .exists, .compare: 1
        case .glob: 2
        case .regex: 20
        case let .not(test): test.cost
        case let .all(tests): tests.reduce(0) { $0 + $1.cost }
        }
    }

    var summary: String {
        switch self {
        case let .equals(value): "equals \(value.text.map { "\"\($0)\"" } ?? "null")"
        case let .oneOf(_, display): "in [\(display.joined(separator: ", "))]"
        case let .glob(glob): "glob \"\(glob.pattern)\""
        case let .regex(regex): "regex /\(regex.pattern)/"
        case let .exists(wanted): wanted ? "exists" : "absent"
        case let .compare(op, bound): "\(op.rawValue) \(FieldValue.number(bound).text ?? "")"
        case let .not(test): "not(\(test.summary))"
        case let .all(tests): tests.map(\.summary).joined(separator: " and ")
        }
    }
}
