import Foundation

/// A regular expression that cannot stall matching: patterns are bounded in length and checked for
/// nested quantifiers and back-references when the file is loaded, and only the first
/// ``maxInputBytes`` of a value are matched.
struct BoundedRegex: Sendable {
    /// Longest pattern accepted, in characters.
    static let maxPatternLength = 500
    /// Bytes of the value that are matched (cut on a UTF-8 character boundary).
    static let maxInputBytes = 4096

    let pattern: String
    private let box: Box
    /// Literal text an anchored pattern (`^deploy-…`) must start with: checked before the regex runs.
    let requiredPrefix: String

    /// `NSRegularExpression` is immutable after creation and documented as safe to use from
    /// several threads at once; the box only carries it across isolation domains.
    private final class Box: @unchecked Sendable {
        let regex: NSRegularExpression
        init(_ regex: NSRegularExpression) { self.regex = regex }
    }

    /// Compiles `pattern`, or throws a message saying why it is refused.
    init(_ pattern: String) throws(RegexProblem) {
        if pattern.count > Self.maxPatternLength {
            throw RegexProblem(
                message: "regex is \(pattern.count) characters long; the limit is \(Self.maxPatternLength)")
        }
        if let problem = Self.hazard(in: pattern) { throw RegexProblem(message: problem) }
        do {
            self.box = Box(try NSRegularExpression(pattern: pattern))
        } catch {
            throw RegexProblem(message: "invalid regular expression (check brackets, parentheses and escapes)")
        }
        self.pattern = pattern
        self.requiredPrefix = Self.anchoredLiteralPrefix(pattern)
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
        if !requiredPrefix.isEmpty, !text.utf8.starts(with: requiredPrefix.utf8) { return false }
        let capped = Truncation.prefix(text, maxBytes: Self.maxInputBytes)
        let range = NSRange(capped.startIndex..<capped.endIndex, in: capped)
        return box.regex.firstMatch(in: capped, options: [], range: range) != nil
    }

    /// A description of a construct known to cause catastrophic backtracking, or `nil`.
    static func hazard(in pattern: String) -> String? {
        let chars = Array(pattern)
        var groupHasQuantifier: [Bool] = []
        var index = 0
        func isQuantifier(at position: Int) -> Bool {
            guard position < chars.count else { return false }
            switch chars[position] {
            case "*", "+": return true
            case "{":
                // {n,} or {n,m} with m > 1 repeats; {n} with n > 1 too.
                var end = position + 1
                while end < chars.count, chars[end] != "}" { end += 1 }
                let body = String(chars[(position + 1)..<min(end, chars.count)])
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                if parts.count == 2 { return parts[1].isEmpty || (Int(parts[1]) ?? 2) > 1 }
                return (Int(body) ?? 0) > 1
            default: return false
            }
        }
        while index < chars.count {
            let char = chars[index]
            switch char {
            case "\\":
                if index + 1 < chars.count, let digit = chars[index + 1].wholeNumberValue, digit > 0 {
                    return "back-references (\\\(digit)) are not allowed: they can make matching exponential"
                }
                index += 2
                continue
            case "[":
                index += 1
                if index < chars.count, chars[index] == "^" { index += 1 }
                if index < chars.count, chars[index] == "]" { index += 1 }
                while index < chars.count, chars[index] != "]" {
                    index += chars[index] == "\\" ? 2 : 1
                }
            case "(":
                groupHasQuantifier.append(false)
            case ")":
                let had = groupHasQuantifier.popLast() ?? false
                if had, !groupHasQuantifier.isEmpty { groupHasQuantifier[groupHasQuantifier.count - 1] = true }
                if had, isQuantifier(at: index + 1) {
                    return
                        "nested quantifier (a quantified group that contains a quantifier, like (a+)+) can make matching exponential"
                }
            default:
                if isQuantifier(at: index), !groupHasQuantifier.isEmpty {
                    groupHasQuantifier[groupHasQuantifier.count - 1] = true
                }
            }
            index += 1
        }
        return nil
    }
}

/// Why a regex was refused.
struct RegexProblem: Error, Sendable {
    var message: String
}
