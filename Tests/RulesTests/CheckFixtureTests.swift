import Foundation
import Testing

@testable import Rules

@Suite struct CheckFixtureTests {
    /// (fixture under Fixtures/broken, substrings each expected in some diagnostic's `description`).
    static let corpus: [(String, [String])] = [
        ("truncated.json", ["$ (5:1): error: the file is not valid JSON: expected ',' or '}'"]),
        ("number-overflow.json", ["$ (3:49): error: the file is not valid JSON: number out of range '1e400'"]),
        (
            "wrong-types.json",
            [
                "version (2:14): error: expected a number, found a string",
                "receivers.ops.url (4:37): error: expected a string, found a number",
                "receivers.ops.maxConcurrency: error: expected a number, found a string",
                "receivers.ops.headers: error: expected an object of header names",
                "receivers.ops.retry.maxAttempts: error: expected a number, found a boolean",
                "rules[0].continue: error: expected true or false, found a string",
                "rules[0].enabled: error: expected true or false, found a number",
                "rules[1].name: error: expected a string, found a number",
                "rules[1].match: error: expected a match object",
                "rules[2] (9:5): error: expected an object, found a string",
            ]
        ),
        (
            "huge-values.json",
            [
                "receivers.ops.maxConcurrency", "out of range 1…256",
                "receivers.ops.retry.maxAttempts",
                "receivers.ops.retry.maxAge: error: duration \"99999d\" is out of range",
                "receivers.ops.rateLimit.count", "receivers.ops.timeout",
                "rules[0].throttle: error: duration \"1000000h\" is out of range", "rules[0].groupWait",
            ]
        ),
        (
            "hostile-regex.json",
            [
                "rules[0].match[\"invocation.commandName\"].regex (5:73): error: negative look-ahead ((?!…) is not supported",
                "rules[1].match[\"task.output.text\"].regex", "back-references",
                "rules[2].match[\"task.errorInfo\"].regex", "invalid regular expression",
                "rules[3].match.region.regex", "the limit is 500",
            ]
        ),
        ("deep-nesting.json", ["error: match is nested deeper than 32 levels"]),
        ("deep-array.json", ["$ (1:", "error: the file is not valid JSON"]),
        (
            "unknown-keys.json",
            [
                "recievers (3:3): error: unknown key \"recievers\" (did you mean \"receivers\"?)",
                "receivers.ops.fromat (5:70): error: unknown key \"fromat\" (did you mean \"format\"?)",
                "rules[0].tittle (10:7): error: unknown key \"tittle\" (did you mean \"title\"?)",
                "unknown event field \"invocation.commandname\" (did you mean \"invocation.commandName\"?)",
                "unknown operator \"regexp\" (did you mean \"regex\"?)",
                "rules[0].groupby (13:7): error: unknown key \"groupby\" (did you mean \"groupBy\"?)",
            ]
        ),
        (
            "unknown-receivers.json",
            [
                "rules[0].receivers[0]", "unknown receiver \"ops-wecon\" (did you mean \"ops-wecom\"?)",
                "rules[0].receivers[1]", "unknown receiver \"nobody\"",
                "receivers.pager.type", "unknown receiver type \"pagerduty\"",
            ]
        ),
        (
            "bad-durations.json",
            [
                "defaults.throttle", "invalid duration \"soon\"", "receivers.ops.retry.maxAge",
                "invalid duration \"forever\"",
                "receivers.ops.timeout: error: duration \"0s\" is out of range", "rules[0].throttle",
                "invalid duration \"10 minutes\"",
                "rules[0].groupWait", "invalid duration \"-5s\"",
            ]
        ),
        (
            "bad-time-zones.json",
            [
                "defaults.timeZone (3:28): error: unknown time zone \"Asia/Shangai\"",
                "rules[0].mute[0].timeZone", "unknown time zone \"Mars/Olympus\"",
                "rules[0].mute[0].weekdays[0]", "\"saturday-ish\" is not a weekday",
                "rules[0].mute[1].times[0]", "\"25:00-07:00\" is not a time range", "rules[0].mute[1].times[1]",
                "rules[0].mute[2].dates[0]", "\"2026-02-30\" is not a date", "rules[0].mute[2].dates[1]",
                "rules[0].mute[3]", "needs \"weekdays\", \"times\" or \"dates\"",
                "rules[0].mute[4]", "\"weekends\" is not a weekday",
            ]
        ),
        (
            "duplicate-names.json",
            [
                "rules[1].name (6:14): error: duplicate rule name \"same\" (also rules[0])",
                "rules[1].match.status (6:42): warning: \"failed\" is not a known TAT status (did you mean \"FAILED\"?)",
                "warning: \"task.failed\" is not an event type",
            ]
        ),
        (
            "bad-templates.json",
            [
                "receivers.ops.title", "error: template does not parse",
                "receivers.hook.bodyTemplate", "format \"template\" needs a \"bodyTemplate\"",
                "rules[0].body", "warning: unknown template variable \"commandNmae\" (did you mean \"commandName\"?)",
                "unknown template variable \"task.exitcode\"", "unknown template variable \"bogus\"",
                "rules[0].title", "partials ({{>name}}) are not available",
            ]
        ),
        (
            "missing-sections.json",
            [
                "version: error: missing \"version\"", "receivers: error: missing \"receivers\"",
                "rules[0].name: error: missing \"name\"", "rules[0].receivers: error: missing \"receivers\"",
                "rules[0].match.not: error: expected a match object",
                "rules[0].match.any: error: \"any\" takes an array",
                "rules[0].recovery.keyBy: error: keyBy needs at least one field path",
            ]
        ),
        (
            "bad-receivers.json",
            [
                "version", "unsupported version 2",
                "receivers.mail.to[0]", "is not an email address", "receivers.mail.smtp.url",
                "receivers.mail.from: error: missing \"from\"",
                "receivers.hook.url", "not an http(s) URL", "receivers.hook.format",
                "format \"xml\" is not available for webhook",
                "receivers.hook.method: error: method must be POST, PUT or PATCH",
                "receivers.hook.headers[\"Bad Header\"]", "invalid header name", "receivers.hook.headers[\"X-Ok\"]",
                "line breaks",
                "receivers.wecom.url: error: missing \"url\"",
            ]
        ),
        (
            "bad-accounts.json",
            [
                "accounts[1].name (5:14): error: duplicate account name \"prod\" (also accounts[0])",
                "accounts[2].regions[0] (6:35): error: unknown region \"ap-guangzho\" (did you mean \"ap-guangzhou\"?)",
                "accounts[2].regions[2]", "region \"ap-guangzhou\" is listed twice",
                "accounts[2].credentials.roleArn", "a role ARN without a base",
                "accounts[3].credentials.source",
                "unknown credential source \"enviroment\" (did you mean \"environment\"?)",
                "accounts[4].credentials.roleArn", "a role ARN is assumed on top of base credentials",
                "accounts[5].name", "account names are 1 to 63 lower-case letters",
                "accounts[5].regions[0]", "\"mars-olympus-1-2\" is not a region name",
                "accounts[6].credentials.base", "no account named \"prd\" (did you mean \"prod\"?)",
                "accounts[7].credentials.base", "the bases go round in a circle: loop-a → loop-b → loop-a",
                "accounts[9].credentials.roleArn", "\"not-an-arn\" is not a role ARN",
                "accounts[10].credentials.secretIdVariable", "this looks like a SecretId itself",
                "accounts[11].endpoint", "is not http(s)://host[:port]",
            ]
        ),
    ]

    @Test(arguments: corpus)
    func brokenFileReportsEveryProblem(fixture: String, expected: [String]) throws {
        let data = try Support.file("Tests/RulesTests/Fixtures/broken/\(fixture)")
        let (ruleSet, diagnostics) = RuleSet.load(data: data, resolver: StaticReferenceResolver(), references: .warn)
        #expect(ruleSet == nil, "a broken file must not load")
        let text = diagnostics.map(\.description).joined(separator: "\n")
        // Needles without a position match the diagnostics with their positions left out.
        let unpositioned = diagnostics.map { Diagnostic($0.severity, path: $0.path, message: $0.message).description }
            .joined(separator: "\n")
        for needle in expected {
            #expect(text.contains(needle) || unpositioned.contains(needle), "missing \"\(needle)\" in:\n\(text)")
        }
        let report = CheckReport(file: fixture, diagnostics: diagnostics, ruleSet: ruleSet)
        #expect(report.exitStatus == 1)
        #expect(report.text.hasSuffix("\n"))
        // One line per diagnostic plus the summary, each diagnostic in the compiler convention.
        let lines = report.text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == diagnostics.count + 1)
        #expect(lines.dropLast().allSatisfy { Self.isCompilerLine(String($0), file: fixture) }, "\(report.text)")
    }

    @Test func everyBrokenFixtureIsInTheTable() throws {
        let names = try FileManager.default.contentsOfDirectory(
            atPath: Support.root.appendingPathComponent("Tests/RulesTests/Fixtures/broken").path)
        #expect(Set(names.filter { $0.hasSuffix(".json") }) == Set(Self.corpus.map(\.0)))
    }

    @Test func json5CommentsAndTrailingCommasAreAccepted() throws {
        let text = """
            // comment
            {
              "version": 1, /* block */
              "receivers": {"hook": {"type": "webhook", "url": "https://e.example/",},},
              "rules": [{"name": "r", "match": {}, "receivers": ["hook"],},],
            }
            """
        let (ruleSet, diagnostics) = Support.load(text)
        #expect(ruleSet != nil)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func titleThatRendersEmptyForEverySampleWarns() {
        let text = Support.rulesFile(
            rules: #"[{"name": "r", "match": {}, "receivers": ["hook"], "title": "{{#isRecovery}}ok{{/isRecovery}}"}]"#)
        let (ruleSet, diagnostics) = Support.load(text)
        #expect(ruleSet != nil)
        #expect(
            diagnostics.map(\.description).contains { $0.hasPrefix("rules[0].title") && $0.contains("renders empty") })
    }

    @Test func checkReportFormatsEveryDiagnosticAndASummary() {
        let diagnostics = [
            Diagnostic(.error, path: "rules[0].match", message: "bad", line: 3, column: 7),
            Diagnostic(.warning, path: "receivers.x.url", message: "environment variable X is not set"),
        ]
        let report = CheckReport(file: "rules.json", diagnostics: diagnostics, ruleSet: nil)
        #expect(
            report.text == """
                rules.json:3:7: error: rules[0].match: bad
                rules.json: warning: receivers.x.url: environment variable X is not set
                1 error, 1 warning

                """)
        #expect(report.exitStatus == 1)
        let ok = CheckReport(file: "rules.json", diagnostics: [], ruleSet: .empty)
        #expect(ok.exitStatus == 0)
        #expect(ok.text == "OK: 0 rules, 0 receivers; no problems\n")
    }

    @Test func checkReportAsJSONForTools() throws {
        let diagnostics = [
            Diagnostic(.error, path: "rules[0].match", message: "bad", line: 3, column: 7),
            Diagnostic(.warning, path: "receivers.x.url", message: "two\nlines"),
        ]
        let report = CheckReport(file: "dir/rules.json", diagnostics: diagnostics, ruleSet: nil, format: .json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.text.utf8)) as? [String: Any])
        #expect(object["file"] as? String == "dir/rules.json")
        #expect(object["errors"] as? Int == 1 && object["warnings"] as? Int == 1)
        #expect(object["rules"] is NSNull && object["summary"] as? String == "1 error, 1 warning")
        let items = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(items.count == 2)
        #expect(items[0]["line"] as? Int == 3 && items[0]["column"] as? Int == 7)
        #expect(items[0]["severity"] as? String == "error" && items[0]["path"] as? String == "rules[0].match")
        #expect(items[1]["line"] is NSNull && items[1]["message"] as? String == "two\nlines")
        #expect(report.text.contains("dir/rules.json"))  // slashes are not escaped
        let ok = CheckReport(file: "r.json", diagnostics: [], ruleSet: .empty, format: .json)
        let okObject = try #require(try JSONSerialization.jsonObject(with: Data(ok.text.utf8)) as? [String: Any])
        #expect(okObject["rules"] as? Int == 0 && okObject["errors"] as? Int == 0)
    }

    @Test func aMultiLineMessageStaysOnOneLine() {
        let line = Diagnostic(.error, path: "$", message: "a\nb", line: 1, column: 2).compilerLine(file: "f")
        #expect(line == "f:1:2: error: $: a b")
    }

    /// `FILE:LINE:COL: severity: PATH: message` or `FILE: severity: PATH: message`.
    static func isCompilerLine(_ line: String, file: String) -> Bool {
        guard line.hasPrefix(file + ":") else { return false }
        var rest = line.dropFirst(file.count + 1)
        if let first = rest.first, first.isNumber {
            let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, Int(parts[0]) != nil, Int(parts[1]) != nil else { return false }
            rest = parts[2]
        }
        return (rest.hasPrefix(" error: ") || rest.hasPrefix(" warning: ")) && rest.contains(": ")
    }
}
