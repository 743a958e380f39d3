import Foundation
import Testing

@testable import Rules

@Suite struct JSONTextTests {
    @Test(arguments: [
        "plain text", "", "quote \" and backslash \\", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}",
        "部署 ✅ émoji 👩‍💻", "\"\"\\\\\n\n", "ends with escape\n",
    ])
    func stringsRoundTripThroughJSON(text: String) throws {
        let bytes = JSONText.encode(.object([("text", .string(text)), ("more", .array([.string(text), .null]))]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["text"] as? String == text)
        #expect((object["more"] as? [Any])?.first as? String == text)
    }

    @Test func controlCharactersAreEscapedShortOrAsUnicode() {
        #expect(JSONText.escape("a\"b\\c\nd\re\tf\u{1}g\u{7F}") == #"a\"b\\c\nd\re\tf\u0001g\u007f"#)
    }
}
