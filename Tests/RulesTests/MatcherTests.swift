import Events
import Foundation
import Testing

@testable import Rules

@Suite struct MatcherTests {
    static let failedTask = Support.event(
        type: .taskStatusChanged, status: "FAILED", command: "deploy-web",
        task: TaskInfo(
            id: "invt-1", instanceId: "ins-1", status: "FAILED",
            details: TaskDetails(
                exitCode: 2, errorInfo: "boom", output: OutputTail(text: "line1\nerror: disk full\n", omittedBytes: 0)
            )
        )
    )

    /// (match object, expected) against ``failedTask``.
    static let cases: [(String, Bool)] = [
        // equals and shorthand
        (#"{"status": "FAILED"}"#, true),
        (#"{"status": "SUCCESS"}"#, false),
        (#"{"status": {"equals": "FAILED"}}"#, true),
        (#"{"type": "task.status_changed"}"#, true),
        (#"{"previousStatus": "RUNNING"}"#, true),
        (#"{"task.exitCode": 2}"#, true),
        (#"{"task.exitCode": {"equals": 3}}"#, false),
        (#"{"region": "ap-guangzhou", "status": "FAILED"}"#, true),
        // in
        (#"{"status": ["FAILED", "TIMEOUT"]}"#, true),
        (#"{"status": {"in": ["SUCCESS", "TIMEOUT"]}}"#, false),
        (#"{"task.exitCode": [1, 2, 3]}"#, true),
        // not
        (#"{"status": {"not": "SUCCESS"}}"#, true),
        (#"{"status": {"not": ["FAILED"]}}"#, false),
        (#"{"not": {"status": "FAILED"}}"#, false),
        // glob
        (#"{"invocation.commandName": {"glob": "deploy-*"}}"#, true),
        (#"{"invocation.commandName": {"glob": "*-web"}}"#, true),
        (#"{"invocation.commandName": {"glob": "*plo*"}}"#, true),
        (#"{"invocation.commandName": {"glob": "d?ploy-w*b"}}"#, true),
        (#"{"invocation.commandName": {"glob": "backup-*"}}"#, false),
        (#"{"invocation.commandName": {"glob": "deploy-web"}}"#, true),
        // regex
        (#"{"invocation.commandName": {"regex": "^deploy-(web|api)$"}}"#, true),
        (#"{"task.output.text": {"regex": "disk (full|quota)"}}"#, true),
        (#"{"task.errorInfo": {"regex": "^timeout"}}"#, false),
        // exists
        (#"{"task": {"exists": true}}"#, true),
        (#"{"stuck": {"exists": true}}"#, false),
        (#"{"stuck": null}"#, true),
        (#"{"invocation.description": {"exists": false}}"#, true),
        // numeric
        (#"{"task.exitCode": {"gt": 1}}"#, true),
        (#"{"task.exitCode": {"gte": 2, "lt": 3}}"#, true),
        (#"{"task.exitCode": {"lte": 1}}"#, false),
        (#"{"invocation.taskCounts.FAILED": {"gte": 1}}"#, true),
        (#"{"invocation.taskCounts.TIMEOUT": {"gt": 0}}"#, false),
        (#"{"invocation.taskCounts.TIMEOUT": 0}"#, true),
        (#"{"invocation.instanceCount": {"gt": 2}}"#, true),
        (#"{"stuck.seconds": {"gt": 0}}"#, false),
        // derived
        (#"{"isFailure": true}"#, true),
        (#"{"isTerminal": true}"#, true),
        // composition
        (#"{"any": [{"status": "SUCCESS"}, {"task.exitCode": 2}]}"#, true),
        (#"{"any": [{"status": "SUCCESS"}, {"task.exitCode": 9}]}"#, false),
        (#"{"all": [{"status": "FAILED"}, {"region": {"glob": "ap-*"}}]}"#, true),
        (#"{"all": [{"status": "FAILED"}, {"not": {"region": {"glob": "ap-*"}}}]}"#, false),
        (#"{}"#, true),
    ]

    @Test(arguments: cases)
    func operatorMatches(match: String, expected: Bool) throws {
        let (ruleSet, diagnostics) = Support.load(
            Support.rulesFile(rules: #"[{"name": "r", "match": \#(match), "receivers": ["hook"]}]"#))
        let rules = try #require(ruleSet, "\(diagnostics)")
        let rule = try #require(rules.rules.first)
        #expect(rule.matches(EventRef(Self.failedTask)) == expected)
        // The explanation agrees with the compiled closure.
        #expect((rule.condition.mismatch(Self.failedTask) == nil) == expected)
    }

    static let globCases: [(String, String, Bool)] = [
        ("*", "", true), ("*", "abc", true), ("a*c", "abbbc", true), ("a*c", "abcd", false), ("a?c", "abc", true),
        ("a?c", "ac", false), ("*a*b*", "xxaxxbxx", true), ("*a*b*", "xxbxxaxx", false), ("部署-*", "部署-web", true),
        ("\\*lit", "*lit", true), ("\\*lit", "xlit", false),
        ("a*a*a*a*a*b", String(repeating: "a", count: 2000), false),
    ]

    @Test(arguments: globCases)
    func globs(pattern: String, text: String, expected: Bool) {
        #expect(Glob(pattern).matches(text) == expected)
    }

    /// Patterns RE2 cannot express, and ones over the length limit: refused with a reason.
    static let refusedRegexes: [(pattern: String, reason: String)] = [
        ("(.*)\\1", "back-references (\\1) are not supported"),
        ("(a)x\\2", "back-references (\\2) are not supported"),
        ("deploy(?=-web)", "look-ahead ((?=…) is not supported"),
        ("(?!x)y", "negative look-ahead ((?!…) is not supported"),
        ("(?<=a)b", "look-behind ((?<=…) is not supported"),
        ("(?<!a)b", "negative look-behind ((?<!…) is not supported"),
        ("(unclosed", "invalid regular expression: missing )"),
        (String(repeating: "a", count: 501), "regex is 501 characters long; the limit is 500"),
    ]

    @Test(arguments: refusedRegexes)
    func regexRE2CannotRunIsRefused(pattern: String, reason: String) {
        #expect {
            try BoundedRegex(pattern)
        } throws: { error in
            (error as? RegexProblem)?.message.hasPrefix(reason) == true
        }
    }

    /// Patterns that make a backtracking engine exponential (some passed the old hazard check):
    /// RE2 accepts them and answers at once, in time linear in the input.
    static let backtrackingBombs: [(pattern: String, text: String, matches: Bool)] = [
        ("^(a|aa)+$", String(repeating: "a", count: 44) + "b", false),
        ("(\\w|\\d)+x", String(repeating: "1", count: 4000), false),
        (".*.*.*x", String(repeating: "y", count: 4000), false),
        ("(a+)+$", String(repeating: "a", count: 4000) + "!", false),
        ("(a*)*b", String(repeating: "a", count: 4000), false),
        ("(x+x+)+y", String(repeating: "x", count: 4000) + "y", true),
        ("([a-z]+)+$", "deploy", true),
    ]

    @Test(arguments: backtrackingBombs)
    func backtrackingBombsMatchCorrectly(pattern: String, text: String, matches: Bool) throws {
        #expect(try BoundedRegex(pattern).matches(text) == matches)
    }

    static let safeRegexes: [String] = [
        "^deploy-(web|api)$", "(ab)+c", "a+b+", "[a-z]+(-[0-9]+)?", "(?:x|y)z*", "\\(a+\\)+",
    ]

    @Test(arguments: safeRegexes)
    func ordinaryRegexIsAccepted(pattern: String) throws {
        _ = try BoundedRegex(pattern)
    }

    @Test func regexMatchesOnlyTheFirst4096Bytes() throws {
        let regex = try BoundedRegex("needle")
        #expect(regex.matches(String(repeating: "x", count: 100) + "needle"))
        #expect(!regex.matches(String(repeating: "x", count: 5000) + "needle"))
        // A cut inside a multi-byte character still leaves valid text to match.
        #expect(regex.matches("needle" + String(repeating: "部", count: 3000)))
    }
}
