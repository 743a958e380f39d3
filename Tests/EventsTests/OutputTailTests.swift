import Events
import Testing

@Suite("OutputTail")
struct OutputTailTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var limit: Int
        var text: String
        var omitted: Int
        var testDescription: String { name }
    }

    @Test(
        "UTF-8 boundaries",
        arguments: [
            Case(name: "short ASCII kept whole", bytes: Array("hello".utf8), limit: 10, text: "hello", omitted: 0),
            Case(name: "exact limit", bytes: Array("hello".utf8), limit: 5, text: "hello", omitted: 0),
            Case(name: "ASCII cut", bytes: Array("hello world".utf8), limit: 5, text: "world", omitted: 6),
            Case(name: "cut inside a 3-byte char skips it", bytes: Array("a中b".utf8), limit: 3, text: "b", omitted: 4),
            Case(
                name: "cut on the 3-byte char start keeps it", bytes: Array("a中b".utf8), limit: 4, text: "中b",
                omitted: 1),
            Case(name: "cut inside a 4-byte emoji", bytes: Array("x😀".utf8), limit: 3, text: "", omitted: 5),
            Case(name: "empty", bytes: [], limit: 10, text: "", omitted: 0),
            Case(name: "zero limit", bytes: Array("abc".utf8), limit: 0, text: "", omitted: 3),
            Case(name: "invalid bytes replaced", bytes: [0x61, 0xFF, 0x62], limit: 10, text: "a\u{FFFD}b", omitted: 0),
        ])
    func tail(_ c: Case) {
        let tail = OutputTail(decodedOutput: c.bytes, limit: c.limit)
        #expect(tail.text == c.text)
        #expect(tail.omittedBytes == c.omitted)
        #expect(tail.text.utf8.count <= max(c.limit, 0) || c.bytes.contains(0xFF))
    }
}
