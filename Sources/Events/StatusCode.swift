/// Status values in one byte, for the snapshot: a documented value is its place in the status
/// type's `known` list; any other is `known.count` plus its index in ``StringTable/statuses``.
/// After 240-odd distinct undocumented values (TAT documents 13) further ones share the last code,
/// read back as ``overflow``: the snapshot stays bounded whatever an API returns.
package struct StatusCode: Sendable {
    private let known: [String]
    private let codes: [String: UInt8]

    /// The raw value that every status past the table's room reads back as.
    package static let overflow = "UNRECOGNISED"

    /// A code table over the raw values `known` (far fewer than 255).
    package init(known: [String]) {
        self.known = known
        self.codes = Dictionary(uniqueKeysWithValues: known.enumerated().map { ($1, UInt8($0)) })
    }

    /// The byte for the raw value `raw`.
    package func code(_ raw: String) -> UInt8 {
        if let code = codes[raw] { return code }
        let index = StringTable.statuses.index(of: raw)
        return UInt8(clamping: min(Int(index) + known.count, Int(UInt8.max)))
    }

    /// Whether `code` is one of the documented values (then it indexes the `known` list).
    package func isKnown(_ code: UInt8) -> Bool { Int(code) < known.count }

    /// The raw value a byte stands for.
    package func raw(_ code: UInt8) -> String {
        if isKnown(code) { return known[Int(code)] }
        return code == .max ? Self.overflow : StringTable.statuses.string(at: UInt32(Int(code) - known.count))
    }
}
