import Events

/// A ``Condition`` compiled for the hot path: a flat program of trivially copyable instructions
/// whose operands (fields, strings, globs, regexes) sit in side tables. Evaluating it walks the
/// instructions with one `switch` each; there are no closures, and no reference is retained or
/// allocated per event (reading an instruction copies a few plain words). It is a class so that
/// holders (a rule, the engine's entries) share one program instead of copying its tables.
///
/// The common field tests are specialised: string fields are read without building a
/// ``FieldValue``, small sets are compared in place, booleans and numbers without text.
final class Matcher: Sendable {
    /// One node of the tree. Composite nodes name their children by a range of ``children``.
    enum Instruction: Sendable {
        case always
        case all(start: Int32, end: Int32)
        case any(start: Int32, end: Int32)
        case not(Int32)
        /// The field's text equals `strings[operand]`.
        case equalsText(field: Int32, operand: Int32)
        /// The field is a number equal to the bound (or text that reads as one).
        case equalsNumber(field: Int32, Double)
        /// The field is a boolean equal to the flag (or text spelling it).
        case equalsBool(field: Int32, Bool)
        /// The field's text is one of `strings[start..<end]` (compared in order: cheaper than hashing).
        case inList(field: Int32, start: Int32, end: Int32)
        /// The field's text is in `sets[operand]`.
        case inSet(field: Int32, operand: Int32)
        case glob(field: Int32, operand: Int32)
        case regex(field: Int32, operand: Int32)
        /// The field is present (`true`) or absent (`false`).
        case exists(field: Int32, Bool)
        case compare(field: Int32, FieldTest.Comparison, Double)
        /// Any other test of one field: the value is read once and `tests[operand]` walked.
        case test(field: Int32, operand: Int32)
    }

    /// Sets up to this size are compared element by element.
    static let listLimit = 8

    private let instructions: [Instruction]
    private let children: [Int32]
    private let fields: [EventField]
    private let strings: [String]
    private let sets: [Set<String>]
    private let globs: [Glob]
    private let regexes: [BoundedRegex]
    private let tests: [FieldTest]
    /// The position of the root instruction.
    private let root: Int32

    init(_ condition: Condition) {
        var program = Program()
        root = program.emit(condition)
        instructions = program.instructions
        children = program.children
        fields = program.fields
        strings = program.strings
        sets = program.sets
        globs = program.globs
        regexes = program.regexes
        tests = program.tests
    }

    /// Whether `event` satisfies the tree.
    func matches(_ event: Event) -> Bool { run(root, event) }

    private func run(_ position: Int32, _ event: Event) -> Bool {
        switch instructions[Int(position)] {
        case .always: return true
        case .all(let start, let end):
            for index in Int(start)..<Int(end) where !run(children[index], event) { return false }
            return true
        case .any(let start, let end):
            for index in Int(start)..<Int(end) where run(children[index], event) { return true }
            return false
        case .not(let child): return !run(child, event)
        case .equalsText(let field, let operand): return fields[Int(field)].text(event) == strings[Int(operand)]
        case .equalsNumber(let field, let expected): return fields[Int(field)].read(event).number == expected
        case .equalsBool(let field, let expected):
            let value = fields[Int(field)].read(event)
            if case .bool(let flag) = value { return flag == expected }
            return value.text == (expected ? "true" : "false")
        case .inList(let field, let start, let end):
            guard let text = fields[Int(field)].text(event) else { return false }
            for index in Int(start)..<Int(end) where strings[index] == text { return true }
            return false
        case .inSet(let field, let operand):
            guard let text = fields[Int(field)].text(event) else { return false }
            return sets[Int(operand)].contains(text)
        case .glob(let field, let operand):
            guard let text = fields[Int(field)].text(event) else { return false }
            return globs[Int(operand)].matches(text)
        case .regex(let field, let operand):
            guard let text = fields[Int(field)].text(event) else { return false }
            return regexes[Int(operand)].matches(text)
        case .exists(let field, let wanted): return (fields[Int(field)].read(event) != .missing) == wanted
        case .compare(let field, let op, let bound):
            guard let number = fields[Int(field)].read(event).number else { return false }
            return op.holds(number, bound)
        case .test(let field, let operand): return tests[Int(operand)].holds(fields[Int(field)].read(event))
        }
    }
}

/// The tables of a ``Matcher`` while it is compiled.
private struct Program {
    var instructions: [Matcher.Instruction] = []
    var children: [Int32] = []
    var fields: [EventField] = []
    var strings: [String] = []
    var sets: [Set<String>] = []
    var globs: [Glob] = []
    var regexes: [BoundedRegex] = []
    var tests: [FieldTest] = []

    mutating func emit(_ condition: Condition) -> Int32 {
        switch condition {
        case .all(let parts) where parts.isEmpty: return append(.always)
        case .all(let parts) where parts.count == 1: return emit(parts[0])
        case .any(let parts) where parts.count == 1: return emit(parts[0])
        case .all(let parts):
            let (start, end) = emitChildren(parts)
            return append(.all(start: start, end: end))
        case .any(let parts):
            let (start, end) = emitChildren(parts)
            return append(.any(start: start, end: end))
        case .not(let child): return append(.not(emit(child)))
        case .field(let field, let test): return emit(field, test)
        }
    }

    private mutating func emitChildren(_ parts: [Condition]) -> (Int32, Int32) {
        let positions = parts.map { emit($0) }
        let start = Int32(children.count)
        children += positions
        return (start, Int32(children.count))
    }

    private mutating func emit(_ field: EventField, _ test: FieldTest) -> Int32 {
        let slot = Int32(fields.count)
        fields.append(field)
        switch test {
        case .equals(.missing): return append(.exists(field: slot, false))
        case .equals(.number(let number)): return append(.equalsNumber(field: slot, number))
        case .equals(.bool(let flag)): return append(.equalsBool(field: slot, flag))
        case .equals(.string(let text)): return append(.equalsText(field: slot, operand: Self.add(text, to: &strings)))
        case .oneOf(let set, _) where set.count <= Matcher.listLimit:
            let start = Int32(strings.count)
            strings += set.sorted()
            return append(.inList(field: slot, start: start, end: Int32(strings.count)))
        case .oneOf(let set, _): return append(.inSet(field: slot, operand: Self.add(set, to: &sets)))
        case .glob(let glob): return append(.glob(field: slot, operand: Self.add(glob, to: &globs)))
        case .regex(let regex): return append(.regex(field: slot, operand: Self.add(regex, to: &regexes)))
        case .exists(let wanted): return append(.exists(field: slot, wanted))
        case .compare(let op, let bound): return append(.compare(field: slot, op, bound))
        case .all(let parts) where parts.count == 1:
            fields.removeLast()
            return emit(field, parts[0])
        case .not, .all: return append(.test(field: slot, operand: Self.add(test, to: &tests)))
        }
    }

    private mutating func append(_ instruction: Matcher.Instruction) -> Int32 {
        instructions.append(instruction)
        return Int32(instructions.count - 1)
    }

    private static func add<Operand>(_ operand: Operand, to table: inout [Operand]) -> Int32 {
        table.append(operand)
        return Int32(table.count - 1)
    }
}

extension FieldTest.Comparison {
    /// Whether `value` compares to `bound` as the operator says.
    func holds(_ value: Double, _ bound: Double) -> Bool {
        switch self {
        case .gt: value > bound
        case .gte: value >= bound
        case .lt: value < bound
        case .lte: value <= bound
        }
    }
}
