/// A shell-style pattern: `*` any run of characters, `?` one character, `\` escapes. Matching is
/// linear-time in practice (the classic two-pointer algorithm, no backtracking explosion).
package struct Glob: Sendable, Hashable {
    /// The pattern as written.
    package let pattern: String
    private let kind: Kind
    /// The literal text every match starts with (empty when the pattern starts with `*` or `?`).
    package let literalPrefix: String

    private enum Kind: Sendable, Hashable {
        case exact(String)
        case prefix(String)
        case suffix(String)
        case contains(String)
        case general([Token])
    }

    private enum Token: Sendable, Hashable {
        case literal(Unicode.Scalar)
        case any
        case star
    }

    /// Compiles `pattern`.
    package init(_ pattern: String) {
        self.pattern = pattern
        var tokens: [Token] = []
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                tokens.append(.literal(scalar))
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else if scalar == "*" {
                if tokens.last != .star { tokens.append(.star) }
            } else if scalar == "?" {
                tokens.append(.any)
            } else {
                tokens.append(.literal(scalar))
            }
        }
        func literal(_ slice: ArraySlice<Token>) -> String? {
            var text = String.UnicodeScalarView()
            for token in slice {
                guard case .literal(let scalar) = token else { return nil }
                text.append(scalar)
            }
            return String(text)
        }
        var leading = String.UnicodeScalarView()
        for token in tokens {
            guard case .literal(let scalar) = token else { break }
            leading.append(scalar)
        }
        literalPrefix = String(leading)
        let stars = tokens.filter { $0 == .star }.count
        if let text = literal(tokens[...]) {
            kind = .exact(text)
        } else if stars == 1, tokens.last == .star, let text = literal(tokens.dropLast()) {
            kind = .prefix(text)
        } else if stars == 1, tokens.first == .star, let text = literal(tokens.dropFirst()) {
            kind = .suffix(text)
        } else if stars == 2, tokens.count >= 2, tokens.first == .star, tokens.last == .star,
            let text = literal(tokens.dropFirst().dropLast())
        {
            kind = .contains(text)
        } else {
            kind = .general(tokens)
        }
    }

    /// Whether `text` matches the whole pattern.
    package func matches(_ text: String) -> Bool {
        switch kind {
        // Literal forms compare UTF-8 bytes (no Unicode normalisation: fast, and exact like the rest).
        case .exact(let literal): return text.utf8.count == literal.utf8.count && text.utf8.hasPrefix(literal.utf8)
        case .prefix(let literal): return text.utf8.hasPrefix(literal.utf8)
        case .suffix(let literal): return text.utf8.hasSuffix(literal.utf8)
        case .contains(let literal): return literal.isEmpty || text.utf8.firstRange(of: literal.utf8) != nil
        case .general(let tokens): return Self.match(tokens, Array(text.unicodeScalars))
        }
    }

    private static func match(_ pattern: [Token], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < pattern.count {
                switch pattern[p] {
                case .star:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .any:
                    p += 1
                    t += 1
                    continue
                case .literal(let scalar) where scalar == text[t]:
                    p += 1
                    t += 1
                    continue
                default: break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pattern.count, pattern[p] == .star { p += 1 }
        return p == pattern.count
    }
}
