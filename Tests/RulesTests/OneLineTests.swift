import Testing

@testable import Rules

/// `Renderer.oneLine`'s byte-level fast path agrees with the character-wise rule: line breaks
/// (`Character.isNewline`) become spaces, blanks at either end go.
@Suite struct OneLineTests {
    static let inputs = [
        "✅ deploy-web SUCCESS (ap-guangzhou)", "a\u{85}b", "a\u{2028}b", "a\u{2029}b", "a\r\nb", "✅\u{85}x",
        "\u{2018}quoted\u{2019} — done", "umlaut \u{A8} and \u{A9}", "\u{2028}start", "end\u{2029}", "ℹ️ note",
        "⏰ x TIMEOUT", " lead", "trail\t", "部署 失败",
    ]

    static func reference(_ text: String) -> String {
        let joined = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard let first = joined.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = joined.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return String(joined[first...last])
    }

    @Test(arguments: inputs)
    func fastPathAgreesWithTheCharacterWiseRule(input: String) {
        #expect(Renderer.oneLine(input) == Self.reference(input))
    }
}
