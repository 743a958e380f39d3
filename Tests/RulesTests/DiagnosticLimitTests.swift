import Foundation
import Rules
import Testing

@Suite("Rules file: the diagnostic limit")
struct DiagnosticLimitTests {
    /// `count` rules all named "r" that notify a real receiver: `count - 1` duplicate-name errors
    /// and nothing else.
    static func rules(count: Int) -> Data {
        let rule = #"{"name": "r", "match": {}, "receivers": ["x"]}"#
        let text =
            #"{"version": 1, "receivers": {"x": {"type": "webhook", "url": "http://127.0.0.1:9/"}}, "rules": ["#
            + Array(repeating: rule, count: count).joined(separator: ",") + "]}"
        return Data(text.utf8)
    }

    @Test("5,000 copies of one mistake: the first 100 are listed, then one line counts the rest")
    func manyMistakes() {
        let (ruleSet, diagnostics) = RuleSet.load(data: Self.rules(count: 5_000))
        #expect(ruleSet == nil)
        #expect(diagnostics.count == 4_999)
        let listed = diagnostics.listed()
        #expect(listed.count == Diagnostic.listLimit + 1)
        #expect(listed.prefix(Diagnostic.listLimit) == diagnostics.prefix(Diagnostic.listLimit))
        #expect(listed.last?.isError == true)
        #expect(listed.last?.message.hasPrefix("4899 more errors not listed") == true, "\(listed.last!)")
    }

    @Test("up to the limit, every diagnostic is listed and none counts")
    func atTheLimit() {
        let (_, diagnostics) = RuleSet.load(data: Self.rules(count: Diagnostic.listLimit + 1))
        #expect(diagnostics.count == Diagnostic.listLimit)
        #expect(diagnostics.listed() == diagnostics)
    }

    @Test("warnings left over are counted as warnings, and a mix as both")
    func countsBySeverity() {
        let warning = Diagnostic(.warning, path: "$", message: "w")
        let error = Diagnostic(.error, path: "$", message: "e")
        let onlyWarnings = Array(repeating: warning, count: 103).listed()
        #expect(onlyWarnings.last?.isError == false)
        #expect(onlyWarnings.last?.message.hasPrefix("3 more warnings not listed") == true)
        let mixed = (Array(repeating: error, count: 101) + Array(repeating: warning, count: 2)).listed()
        #expect(mixed.last?.isError == true)
        #expect(mixed.last?.message.hasPrefix("1 more errors and 2 more warnings not listed") == true)
    }

    @Test("tattle check's text lists 100 and counts the rest, its summary counts every one, JSON lists all")
    func checkReport() throws {
        let (ruleSet, diagnostics) = RuleSet.load(data: Self.rules(count: 500))
        let text = CheckReport(file: "rules.json", diagnostics: diagnostics, ruleSet: ruleSet).text
        let lines = text.split(separator: "\n")
        #expect(lines.count == Diagnostic.listLimit + 2)
        #expect(lines.dropLast().last?.contains("399 more errors not listed") == true)
        #expect(lines.last == "499 errors, 0 warnings")
        let json = CheckReport(file: "rules.json", diagnostics: diagnostics, ruleSet: ruleSet, format: .json).text
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["diagnostics"] as? [Any])?.count == 499)
    }
}
