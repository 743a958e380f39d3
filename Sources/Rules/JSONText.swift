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
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += flag ? Array("true".utf8) : Array("false".utf8)
        case .int(let number): out += Array(String(number).utf8)
        case .double(let number):
            out += number.isFinite ? Array("\(number)".utf8) : Array("null".utf8)
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
                out += Array("\":".utf8)
                write(member, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends the JSON string escape of `text` (without quotes).
    static func appendEscaped(_ text: String, into out: inout [UInt8]) {
        // Most text needs no escape: copy it in one go.
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\")
        }) {
            out.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x00..<0x20, 0x7F:
                out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")]
                out += [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            default: out.append(byte)
            }
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
