import CRE2
import Events

/// A regular expression that cannot stall matching: it runs on RE2, whose automata match in time
/// linear in the input (no backtracking, so no pattern is catastrophic), with the pattern bounded
/// in length and only the first ``maxInputBytes`` of a value matched.
///
/// RE2 is the engine Alertmanager's matchers get from Go's `regexp`. It cannot express
/// back-references or look-around; such patterns are refused with a message saying so.
struct BoundedRegex: Sendable {
    /// Longest pattern accepted, in characters.
    static let maxPatternLength = 500
    /// Bytes of the value that are matched (cut on a UTF-8 character boundary).
    static let maxInputBytes = 4096

    let pattern: String
    private let compiled: Compiled
    /// Literal text an anchored pattern (`^deploy-…`) must start with: checked before the regex runs.
    let requiredPrefix: String

    /// Owns the RE2 object. RE2 documents a compiled `RE2` as immutable and safe to match from
    /// several threads at once, which is what makes the unchecked conformance sound.
    private final class Compiled: @unchecked Sendable {
        let pointer: OpaquePointer
        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { tattle_re2_free(pointer) }
    }

    /// Compiles `pattern`, or throws a message saying why it is refused.
    init(_ pattern: String) throws(RegexProblem) {
        if pattern.count > Self.maxPatternLength {
            throw RegexProblem(
                message: "regex is \(pattern.count) characters long; the limit is \(Self.maxPatternLength)")
        }
        var error = [CChar](repeating: 0, count: 256)
        let bytes = Array(pattern.utf8)
        let pointer = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                tattle_re2_compile($0.baseAddress, $0.count, &error, error.count)
            }
        }
        guard let pointer else {
            let message = String(decoding: error.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
            throw RegexProblem(message: Self.explain(message, pattern: pattern))
        }
        self.compiled = Compiled(pointer)
        self.pattern = pattern
        self.requiredPrefix = Self.anchoredLiteralPrefix(pattern)
    }

    /// Turns RE2's refusal into a message that says what to change.
    static func explain(_ engineMessage: String, pattern: String) -> String {
        if let digit = backReference(in: pattern) {
            return "back-references (\\\(digit)) are not supported: Tattle matches with RE2, which runs in linear time"
                + " and cannot express them"
        }
        for (token, name) in [("(?=", "look-ahead"), ("(?!", "negative look-ahead"), ("(?<=", "look-behind"),
                              ("(?<!", "negative look-behind")] where pattern.contains(token) {
            return "\(name) (\(token)…) is not supported: Tattle matches with RE2, which runs in linear time and"
                + " cannot express look-around; match the field with \"not\" or a second condition instead"
        }
        return "invalid regular expression: \(engineMessage)"
    }

    /// The digit of the first `\1`…`\9` outside a character class, or `nil`.
    private static func backReference(in pattern: String) -> Int? {
        let chars = Array(pattern)
        var index = 0
        var inClass = false
        while index < chars.count {
            switch chars[index] {
            case "\\":
                if !inClass, index + 1 < chars.count, let digit = chars[index + 1].wholeNumberValue, digit > 0 {
                    return digit
                }
                index += 2
                continue
            case "[": inClass = true
            case "]": inClass = false
            default: break
            }
            index += 1
        }
        return nil
    }

    /// The literal characters after a leading `^`, up to the first metacharacter (dropping the last
    /// one when a quantifier follows it).
    static func anchoredLiteralPrefix(_ pattern: String) -> String {
        // An alternation anywhere may make the anchor optional (`^a|b`): no prefix then.
        guard pattern.hasPrefix("^"), !pattern.contains("|") else { return "" }
        var literal: [Character] = []
        for char in pattern.dropFirst() {
            if "\\.[](){}|*+?^$".contains(char) {
                if "*?{".contains(char), !literal.isEmpty { literal.removeLast() }
                break
            }
            literal.append(char)
        }
        return String(literal)
    }

    /// Whether the (capped) text contains a match.
    func matches(_ text: String) -> Bool {
        if !requiredPrefix.isEmpty, !text.utf8.hasPrefix(requiredPrefix.utf8) { return false }
        var capped = Truncation.prefix(text, maxBytes: Self.maxInputBytes)
        return capped.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                tattle_re2_search(compiled.pointer, $0.baseAddress, $0.count) != 0
            }
        }
    }
}

/// Why a regex was refused.
struct RegexProblem: Error, Sendable {
    var message: String
}
