/// Structural JSON output: a small ordered value type and an encoder that escapes every string
/// correctly, so payloads are built from values and never by splicing text.
enum JSONText {
    /// A JSON value with ordered object members.
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        case array([Value])
        case object([(String, Value)])
        /// Bytes that are already valid JSON (from `JSONEncoder`).
        case raw([UInt8])
    }

    /// UTF-8 bytes of `value` (compact, members in the order given).
    static func encode(_ value: Value) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number):
            out.append(contentsOf: number.isFinite ? "\(number)".utf8 : "null".utf8)
        case .string(let text):
            out.append(UInt8(ascii: "\""))
            appendEscaped(text, into: &out)
            out.append(UInt8(ascii: "\""))
        case .raw(let bytes): out += bytes
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, member)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                appendEscaped(key, into: &out)
                out.append(UInt8(ascii: "\""))
                out.append(UInt8(ascii: ":"))
                write(member, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Whether `byte` must be escaped inside a JSON string.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Appends the JSON string escape of `text` (without quotes): runs of bytes that need no escape
    /// are copied whole, each escape is appended byte by byte (nothing allocated but `out`'s growth).
    static func appendEscaped(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices where needsEscape(bytes[index]) {
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
                out.append(UInt8(ascii: "\\"))
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(bytes[index])
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(hex[Int(bytes[index] >> 4)])
                    out.append(hex[Int(bytes[index] & 0x0F)])
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
    }

    /// The JSON string escape of `text` (without quotes).
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        appendEscaped(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
