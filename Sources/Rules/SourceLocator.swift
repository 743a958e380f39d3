/// Finds where values sit in the rules file text, so diagnostics can say `line:column`.
///
/// A tolerant JSON5 scanner (comments, trailing commas, unquoted keys, single quotes) that records
/// the offset of every value and key by path. It never decides validity (the JSON decoder does);
/// when it meets a syntax error it remembers the offset, which becomes the position of the syntax
/// diagnostic.
struct SourceLocator {
    private let bytes: [UInt8]
    private var lineStarts: [Int] = [0]
    /// Offset of each value, by path description.
    private(set) var valueOffsets: [String: Int] = [:]
    /// Offset of each object key, by the path of its value.
    private(set) var keyOffsets: [String: Int] = [:]
    /// Where scanning stopped on malformed input.
    private(set) var syntaxErrorOffset: Int?
    /// What the scanner expected at ``syntaxErrorOffset``.
    private(set) var syntaxErrorMessage: String?

    private static let maxDepth = 200

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { lineStarts.append(offset + 1) }
        var position = 0
        do {
            try scanValue(&position, path: .root, depth: 0)
            skipTrivia(&position)
            if position < bytes.count { throw ScanError(offset: position, message: "unexpected text after the end") }
        } catch let error as ScanError {
            syntaxErrorOffset = error.offset
            syntaxErrorMessage = error.message
        } catch {}
    }

    /// 1-based line and column of a byte offset (columns count characters, not bytes).
    func lineColumn(ofOffset offset: Int) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let end = min(offset, bytes.count)
        let column = start < end ? bytes[start..<end].reduce(0) { $0 + (($1 & 0xC0) == 0x80 ? 0 : 1) } : 0
        return (low + 1, column + 1)
    }

    /// Position of the value at `path`, or of the nearest enclosing value that was located.
    func position(of path: JSONPath, preferKey: Bool = false) -> (line: Int, column: Int)? {
        var components = path.components
        while true {
            let key = JSONPath(components: components).description
            if preferKey, let offset = keyOffsets[key] { return lineColumn(ofOffset: offset) }
            if let offset = valueOffsets[key] { return lineColumn(ofOffset: offset) }
            if components.isEmpty { return nil }
            components.removeLast()
        }
    }

    private struct ScanError: Error {
        var offset: Int
        var message: String
    }

    private func byte(_ position: Int) -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func skipTrivia(_ position: inout Int) {
        while let char = byte(position) {
            switch char {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C: position += 1
            case 0xC2 where byte(position + 1) == 0xA0: position += 2
            case 0xEF where byte(position + 1) == 0xBB && byte(position + 2) == 0xBF: position += 3
            case UInt8(ascii: "/") where byte(position + 1) == UInt8(ascii: "/"):
                while let next = byte(position), next != 0x0A { position += 1 }
            case UInt8(ascii: "/") where byte(position + 1) == UInt8(ascii: "*"):
                position += 2
                while position < bytes.count,
                    !(bytes[position] == UInt8(ascii: "*") && byte(position + 1) == UInt8(ascii: "/"))
                {
                    position += 1
                }
                position = min(position + 2, bytes.count)
            default: return
            }
        }
    }

    private mutating func scanValue(_ position: inout Int, path: JSONPath, depth: Int) throws {
        skipTrivia(&position)
        guard let char = byte(position) else { throw ScanError(offset: position, message: "unexpected end of file") }
        valueOffsets[path.description] = position
        if depth > Self.maxDepth { throw ScanError(offset: position, message: "nesting deeper than \(Self.maxDepth)") }
        switch char {
        case UInt8(ascii: "{"):
            position += 1
            while true {
                skipTrivia(&position)
                guard let next = byte(position) else {
                    throw ScanError(offset: position, message: "unterminated object")
                }
                if next == UInt8(ascii: "}") {
                    position += 1
                    return
                }
                let keyStart = position
                let key = try scanKey(&position)
                skipTrivia(&position)
                guard byte(position) == UInt8(ascii: ":") else {
                    throw ScanError(offset: position, message: "expected ':'")
                }
                position += 1
                keyOffsets[(path + key).description] = keyStart
                try scanValue(&position, path: path + key, depth: depth + 1)
                skipTrivia(&position)
                if byte(position) == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if byte(position) == UInt8(ascii: "}") {
                    position += 1
                    return
                }
                throw ScanError(offset: position, message: "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            position += 1
            var index = 0
            while true {
                skipTrivia(&position)
                guard let next = byte(position) else {
                    throw ScanError(offset: position, message: "unterminated array")
                }
                if next == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                try scanValue(&position, path: path + index, depth: depth + 1)
                index += 1
                skipTrivia(&position)
                if byte(position) == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                if byte(position) == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                throw ScanError(offset: position, message: "expected ',' or ']'")
            }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            _ = try scanString(&position)
        default:
            let start = position
            while let next = byte(position), !Self.delimiters.contains(next) { position += 1 }
            let word = String(decoding: bytes[start..<position], as: UTF8.self)
            if !Self.isLiteral(word) { throw ScanError(offset: start, message: "invalid value '\(word.prefix(20))'") }
            if let number = Double(word), !number.isFinite, !word.lowercased().contains("inf") {
                throw ScanError(offset: start, message: "number out of range '\(word.prefix(20))'")
            }
        }
    }

    private static let delimiters: Set<UInt8> = Set(",:]}[{ \t\r\n/\"'".utf8)

    private static func isLiteral(_ word: String) -> Bool {
        if ["true", "false", "null", "Infinity", "-Infinity", "+Infinity", "NaN"].contains(word) { return true }
        if word.hasPrefix("0x") || word.hasPrefix("-0x") { return true }
        return !word.isEmpty && Double(word) != nil
    }

    private mutating func scanKey(_ position: inout Int) throws -> String {
        if let char = byte(position), char == UInt8(ascii: "\"") || char == UInt8(ascii: "'") {
            return try scanString(&position)
        }
        let start = position
        while let next = byte(position), !Self.delimiters.contains(next) { position += 1 }
        if start == position { throw ScanError(offset: position, message: "expected a key") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func scanString(_ position: inout Int) throws -> String {
        let quote = bytes[position]
        let start = position
        position += 1
        var raw: [UInt8] = []
        while let char = byte(position) {
            if char == quote {
                position += 1
                return String(decoding: raw, as: UTF8.self)
            }
            if char == UInt8(ascii: "\\") {
                position += 2
                if let escaped = byte(position - 1) { raw.append(escaped == UInt8(ascii: "\"") ? escaped : escaped) }
                continue
            }
            if char == 0x0A && quote == UInt8(ascii: "\"") {
                throw ScanError(offset: position, message: "line break inside a string")
            }
            raw.append(char)
            position += 1
        }
        throw ScanError(offset: start, message: "unterminated string")
    }
}
