import Foundation

/// A parsed JSON (JSON5) value: the rules file before it is checked against the model, so that the
/// loader can report every problem with its path instead of stopping at the first, as `Codable` would.
enum JSONTree: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONTree].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONTree].self))
        }
    }

    /// Parses `data` as JSON5 (comments, trailing commas and unquoted keys allowed; strict JSON is valid).
    static func parse(_ data: Data) throws -> JSONTree {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return try decoder.decode(JSONTree.self, from: data)
    }

    /// The JSON type name used in diagnostics.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as a Foundation object (for payload templates and sample rendering).
    var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let value): value
        case .number(let value): value
        case .string(let value): value
        case .array(let values): values.map(\.foundationObject)
        case .object(let values): values.mapValues(\.foundationObject)
        }
    }
}

/// A path into the rules file, printed as `rules[3].match.regex` (keys that are not identifiers are
/// quoted: `receivers["ops.team"]`).
struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component] = []

    static let root = JSONPath()

    func appending(_ key: String) -> JSONPath { JSONPath(components: components + [.key(key)]) }
    func appending(_ index: Int) -> JSONPath { JSONPath(components: components + [.index(index)]) }
    static func + (lhs: JSONPath, key: String) -> JSONPath { lhs.appending(key) }
    static func + (lhs: JSONPath, index: Int) -> JSONPath { lhs.appending(index) }

    var description: String {
        if components.isEmpty { return "$" }
        var text = ""
        for component in components {
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let simple = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
                if simple {
                    text += text.isEmpty ? key : ".\(key)"
                } else {
                    text += "[\"\(key.replacingOccurrences(of: "\"", with: "\\\""))\"]"
                }
            }
        }
        return text
    }
}
