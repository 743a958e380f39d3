import Events
import Foundation
import Rules
import Synchronization
import TATSimulator
import TattleApp
import TencentCloud
import Testing

/// Bad input end to end: what the TAT API, the fleet's own strings and the rules file can throw at
/// Tattle. The unit suites cover the pieces (hostile regexes, 33-level nesting, hand-built hostile
/// events); these go through the real simulator → client → watcher → rules → renderer path.
@Suite("Bad input corpus", .timeLimit(.minutes(1)))
struct BadInputTests {
    static let environment = [
        "TENCENTCLOUD_SECRET_ID": TATSimulator.testCredentials.secretId,
        "TENCENTCLOUD_SECRET_KEY": TATSimulator.testCredentials.secretKey, "TENCENTCLOUD_REGION": "ap-guangzhou",
    ]

    static let hostile =
        "quote\" apostrophe' back\\slash \\\" newline\n\r tab\t {{title}} {{#each}}{{/each}} }} {{ "
        + "<script>alert(1)</script><b>&amp;</b> `code` *bold* [link](http://x) \u{0} \u{1F} \u{7F} \u{2028}\u{2029} "
        + "emoji 🚀 cjk 部署 rtl \u{202E}evil"

    /// Runs `tattle watch --once` against `simulator` and returns the events it printed.
    static func watchOnce(_ simulator: TATSimulator, state: URL, backfill: Double? = 3600) async throws -> [Event] {
        var options = WatchCommandRunner.Options()
        options.stateDirectory = state
        options.endpoint = await simulator.endpoint
        options.backfill = backfill
        options.once = true
        let lines = Mutex<[String]>([])
        try await WatchCommandRunner(options: options, environment: environment)
            .run(output: { line in lines.withLock { $0.append(line) } })
        return try lines.withLock { $0 }.map { try Event.decoder.decode(Event.self, from: Data($0.utf8)) }
    }

    static func temporaryState() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("tattle-bad-\(UUID().uuidString.prefix(8))")
    }

    @Test("malformed and truncated API answers: no crash, no event, the snapshot stays; later the change arrives once",
        arguments: [FaultKind.malformedJSON, .truncatedBody])
    func malformedAnswers(fault: FaultKind) async throws {
        let simulator = try await TATSimulator(configuration: .init(seed: 11, clockMode: .manual))
        try await simulator.start()
        let state = Self.temporaryState()
        defer { try? FileManager.default.removeItem(at: state) }
        #expect(try await Self.watchOnce(simulator, state: state, backfill: nil).isEmpty)  // baseline

        let handle = await simulator.addInvocation(
            InvocationSpec(tasks: [.init(plan: TaskStep.failing(after: .seconds(1))), .init()]))
        await simulator.advance(by: .seconds(10))
        await simulator.failNext(200, with: fault)
        let faulted: [Event]
        do { faulted = try await Self.watchOnce(simulator, state: state) } catch { faulted = [] }
        #expect(faulted.isEmpty, "events invented from a \(fault) answer: \(faulted.map(\.status))")

        await simulator.clearFaults()
        let events = try await Self.watchOnce(simulator, state: state)
        let invocation = events.filter { $0.type == .invocationStatusChanged }
        #expect(invocation.map(\.invocation.id) == [handle.invocationId])
        #expect(invocation.map(\.status) == ["PARTIAL_FAILED"])
        #expect(try await Self.watchOnce(simulator, state: state).isEmpty, "the change is reported once")
        await simulator.stop()
    }

    /// Every platform and payload format, as a rules file.
    static let presets: [(type: String, format: String)] = [
        ("wecom", "text"), ("wecom", "markdown"), ("dingtalk", "text"), ("dingtalk", "markdown"),
        ("feishu", "text"), ("feishu", "post"), ("lark", "text"), ("lark", "post"), ("slack", "blocks"),
        ("slack", "text"), ("teams", "card"), ("discord", "embed"), ("discord", "content"),
        ("webhook", "event"), ("email", "text"),
    ]

    static func engine(type: String, format: String) throws -> RulesEngine {
        let receiver =
            type == "email"
            ? #"{"type": "email", "smtp": {"url": "smtp://127.0.0.1:25"}, "from": "t@example.com", "to": ["a@example.com"]}"#
            : #"{"type": "\#(type)", "url": "https://example.com/hook?key=k", "format": "\#(format)"}"#
        let text = #"{"version": 1, "receivers": {"x": \#(receiver)}, "rules": [{"name": "r", "match": {}, "receivers": ["x"]}]}"#
        let (ruleSet, diagnostics) = RuleSet.load(data: Data(text.utf8))
        return RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
    }

    @Test("hostile strings from the fleet (quotes, newlines, {{, HTML, 100 KB output, invalid UTF-8) render to valid JSON for every preset")
    func hostileFleetStrings() async throws {
        let simulator = try await TATSimulator(configuration: .init(seed: 12, clockMode: .manual))
        try await simulator.start()
        let state = Self.temporaryState()
        defer { try? FileManager.default.removeItem(at: state) }
        let bigOutput = String(repeating: Self.hostile + "\n", count: 100_000 / Self.hostile.utf8.count + 1)
        let handle = await simulator.addInvocation(
            InvocationSpec(
                commandName: "deploy-\"x\"\\{{title}}<b>", description: Self.hostile, username: "root\"\n{{x}}",
                parameters: #"{"k": "\"}{{"}"#,
                tasks: [
                    .init(plan: TaskStep.failing(after: .seconds(1), exitCode: 3, output: bigOutput)),
                    .init(plan: [.after(.seconds(1), .running), .after(.seconds(1), .failed, errorInfo: Self.hostile)]),
                ]))
        await simulator.advance(by: .seconds(10))
        let events = try await Self.watchOnce(simulator, state: state)
        await simulator.stop()
        let tasks = events.filter { $0.type == .taskStatusChanged && $0.status == "FAILED" }
        #expect(tasks.count == 2)
        #expect(events.allSatisfy { $0.invocation.id == handle.invocationId })
        #expect(tasks.contains { $0.task?.output?.text.contains("<script>") == true }, "the output tail came through")

        // Invalid UTF-8 in the Base64 output (the simulator only sends valid text): decoded the way
        // the watcher decodes it, then rendered with the rest.
        var invalid = tasks[0]
        let tail = OutputTail(decodedOutput: [0x6F, 0x6B, 0xFF, 0xFE, 0xC3, 0x28, 0x22, 0x7B, 0x7B, 0x0A, 0xED, 0xA0, 0x80])
        #expect(tail.text.contains("\u{FFFD}"))
        invalid.task?.output = tail

        for preset in Self.presets {
            let engine = try Self.engine(type: preset.type, format: preset.format)
            for batch in [events, tasks, [invalid]] {
                let message = try engine.render(rule: "r", receiver: "x", events: batch, isRecovery: false)
                switch message {
                case .webhook(let webhook):
                    let object = try JSONSerialization.jsonObject(with: Data(webhook.body))
                    #expect(object is [String: Any], "\(preset)")
                    #expect(String(validating: webhook.body, as: UTF8.self) != nil, "\(preset) body is UTF-8")
                case .email(let email):
                    #expect(!email.subject.isEmpty, "\(preset)")
                    #expect(!email.subject.contains("\n"), "no header injection through the subject")
                }
            }
        }
    }

    static func nested(_ depth: Int, open: String, close: String, inner: String = "1") -> String {
        String(repeating: open, count: depth) + inner + String(repeating: close, count: depth)
    }

    @Test(
        "10,000-level nesting anywhere in a rules file is a clear error, not a stack overflow",
        .timeLimit(.minutes(1)),
        arguments: [
            nested(10_000, open: "[", close: "]"),
            nested(10_000, open: #"{"a":"#, close: "}"),
            #"{"version": 1, "receivers": {}, "rules": [{"name": "r", "receivers": [], "match": "#
                + nested(10_000, open: #"{"not":"#, close: "}", inner: "{}") + "}]}",
            #"{"version": 1, "receivers": {"x": {"type": "webhook", "url": "http://h/", "headers": "#
                + nested(10_000, open: "[", close: "]") + "}}, \"rules\": []}",
        ])
    func deepNesting(text: String) {
        let (ruleSet, diagnostics) = RuleSet.load(data: Data(text.utf8))
        #expect(ruleSet == nil)
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.contains { "\($0)".lowercased().contains("nest") || "\($0)".lowercased().contains("deep") },
            "\(diagnostics.prefix(3))")
    }
}

/// Megabytes of rules text take tens of seconds in a debug build on a loaded 2-core machine, more
/// than the corpus suite's minute, so they have a suite (and a limit) of their own.
@Suite("Bad input: huge values", .timeLimit(.minutes(3)))
struct HugeValueTests {
    @Test("huge values in a rules file: a clear error or a clean load, never a crash")
    func hugeValues() {
        let huge = String(repeating: "a", count: 8_000_000)
        let cases = [
            #"{"version": 1, "receivers": {"x": {"type": "webhook", "url": "http://h/\#(huge)"}}, "rules": [{"name": "r", "match": {}, "receivers": ["x"]}]}"#,
            #"{"version": 1, "receivers": {"x": {"type": "webhook", "url": "http://h/", "retry": {"maxAttempts": 99999999999999999999999999}}}, "rules": []}"#,
            #"{"version": 1e999, "receivers": {}, "rules": []}"#,
            #"{"version": 1, "receivers": {}, "rules": [{"name": "\#(huge)", "match": {"invocation.commandName": {"regex": "\#(String(repeating: "a|", count: 200_000))b"}}, "receivers": []}]}"#,
            "{\"version\": 1, \"receivers\": {}, \"rules\": [" + Array(repeating: #"{"name": "r", "match": {}, "receivers": []}"#, count: 50_000).joined(separator: ",") + "]}",
        ]
        for text in cases {
            let (ruleSet, diagnostics) = RuleSet.load(data: Data(text.utf8))
            #expect(ruleSet != nil || !diagnostics.isEmpty)
            for diagnostic in diagnostics.prefix(5) {
                #expect("\(diagnostic)".utf8.count < 10_000, "a diagnostic echoes a huge value")
            }
        }
    }
}
