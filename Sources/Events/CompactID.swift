/// A TAT id such as `invt-1a2b3c4d` in 8 bytes instead of a 16-byte `String`: a known prefix
/// (`invt-`, `inv-`, `ins-`, `lhins-`, `mi-`, `cmd-` or none) and up to 10 lower-case letters or
/// digits, packed as a base-36 number with its length. Any other id is kept in ``StringTable/ids``
/// and packed as its index. Each string has exactly one packed form, so two `CompactID`s are equal
/// exactly when their strings are.
///
/// Two 32-bit halves rather than one `UInt64`, so a snapshot's task (``TaskState``) packs into 20 bytes.
package struct CompactID: Sendable, Hashable {
    private let high: UInt32
    private let low: UInt32

    private static let prefixes: [[UInt8]] = ["", "invt-", "inv-", "ins-", "lhins-", "mi-", "cmd-"].map {
        Array($0.utf8)
    }
    private static let maxDigits = 10
    private static let tableFlag: UInt64 = 1 << 63

    /// Packs `id`.
    package init(_ id: String) {
        let bits = Self.pack(id) ?? (Self.tableFlag | UInt64(StringTable.ids.index(of: id)))
        high = UInt32(truncatingIfNeeded: bits >> 32)
        low = UInt32(truncatingIfNeeded: bits)
    }

    /// The id as a string.
    package var string: String {
        let bits = UInt64(high) << 32 | UInt64(low)
        if bits & Self.tableFlag != 0 { return StringTable.ids.string(at: UInt32(truncatingIfNeeded: bits)) }
        let prefix = Self.prefixes[Int(bits >> 60 & 0x7)]
        let length = Int(bits >> 56 & 0xF)
        var value = bits & (1 << 56 - 1)
        var digits = [UInt8](repeating: 0, count: length)
        for slot in digits.indices.reversed() {
            let digit = UInt8(value % 36)
            digits[slot] = digit < 10 ? 0x30 + digit : 0x61 + digit - 10
            value /= 36
        }
        return String(decoding: prefix + digits, as: UTF8.self)
    }

    private static func pack(_ id: String) -> UInt64? {
        var id = id
        return id.withUTF8 { utf8 -> UInt64? in
            // The longest matching prefix wins ("inv-" and "invt-" cannot both match).
            var code = 0
            for index in 1..<prefixes.count
            where utf8.count > prefixes[index].count && utf8.starts(with: prefixes[index])
                && prefixes[index].count > prefixes[code].count
            {
                code = index
            }
            let body = utf8[prefixes[code].count...]
            guard (1...maxDigits).contains(body.count) else { return nil }
            var value: UInt64 = 0
            for byte in body {
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x61...0x7A: digit = byte - 0x61 + 10
                default: return nil
                }
                value = value * 36 + UInt64(digit)
            }
            return UInt64(code) << 60 | UInt64(body.count) << 56 | value
        }
    }
}
