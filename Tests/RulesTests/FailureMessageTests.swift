import Events
import Foundation
import Testing

@testable import Rules

/// The invocation-level failure message: which instances failed, with their exit code, TAT's
/// error text and output tail, fitted to each platform's limit; and command output that cannot
/// break the platform's markup.
@Suite struct FailureMessageTests {
    /// Every chat preset with the path of its main text and its limit (bytes or characters).
    static let presets = PresetTests.presets.map { (type: $0.0, format: $0.1, path: $0.2, limit: $0.3, bytes: $0.4) }
    /// The chat platforms, each once.
    static let platforms = Array(Set(presets.map(\.type))).sorted()

    /// `deploy-web` FAILED on `failed` of `total` instances; each failed instance has TAT's error
    /// text, and the first ``InstanceOutcome/detailedCount`` an output tail of `outputBytes` CJK bytes
    /// ending with a line that names the instance.
    static func deployWeb(failed: Int, total: Int = 40, outputBytes: Int, output: String? = nil) -> Event {
        let instances = (1...failed).map { index in
            let id = "ins-" + String(format: "%08d", index)
            var text = String(repeating: "拉取镜像失败，正在重试。", count: outputBytes / 36 + 1)
            text += "\nerror: manifest unknown on \(id)\n"
            return InstanceOutcome(
                instanceId: id, taskId: "invt-" + String(format: "%08d", index), status: "FAILED", exitCode: 3,
                errorInfo: "命令执行失败: exit status 3",
                output: index <= InstanceOutcome.detailedCount
                    ? OutputTail(text: output ?? text, omittedBytes: 4096) : nil)
        }
        return Event(
            id: "evt_golden_deploy_web", type: .invocationStatusChanged, region: "ap-guangzhou",
            detectedAt: Support.t0, previousStatus: "RUNNING", status: "PARTIAL_FAILED",
            invocation: InvocationInfo(
                id: "inv-rel00001", status: "PARTIAL_FAILED",
                metadata: InvocationMetadata(commandId: "cmd-deploy0a", commandName: "deploy-web"),
                taskCounts: ["SUCCESS": total - failed, "FAILED": failed], instanceCount: total,
                failedInstances: instances
            ))
    }

    static func text(_ type: String, _ format: String?, _ path: [String], _ event: Event) throws -> String {
        let engine = try PresetTests.engine(type: type, format: format)
        let message = try engine.render(rule: "r", receiver: "x", events: [event], isRecovery: false)
        var current: Any? = try PresetTests.json(message)
        for key in path {
            if let index = Int(key), let array = current as? [Any] {
                current = array[index]
            } else {
                current = (current as? [String: Any])?[key]
            }
        }
        return try #require(current as? String, "missing \(path)")
    }

    @Test("A small failure shows every failed instance with exit code, error and output tail")
    func smallFailure() throws {
        let event = Self.deployWeb(failed: 3, outputBytes: 40)
        let engine = try PresetTests.engine(type: "wecom", format: "markdown")
        let text = try engine.renderText(rule: "r", receiver: "x", events: [event], isRecovery: false)
        #expect(text.title == "❌ deploy-web PARTIAL_FAILED on 3/40 instances (ap-guangzhou)")
        for index in 1...3 {
            let id = "ins-0000000\(index)"
            #expect(text.body.contains("- \(id): FAILED (exit code 3) — 命令执行失败: exit status 3\n```\n"))
            #expect(text.body.contains("error: manifest unknown on \(id)\n```"))
        }
        #expect(!text.body.contains("more"))
    }

    @Test(
        "At each platform's limit with CJK output: the tails shrink, the instance count and the link stay",
        arguments: presets.map { ($0.type, $0.format, $0.path, $0.limit, $0.bytes) })
    func fittedToTheLimit(type: String, format: String?, path: [String], limit: Int, bytes: Bool) throws {
        let event = Self.deployWeb(failed: 37, outputBytes: 2048)
        let text = try Self.text(type, format, path, event)
        #expect((bytes ? text.utf8.count : text.count) <= limit)
        #expect(String(decoding: Array(text.utf8), as: UTF8.self) == text)
        #expect(!text.hasSuffix(Truncation.marker))
        #expect(text.hasSuffix(Headline.consoleURL(event)))
        for index in 1...Presentation.detailedInstances {
            #expect(text.contains("ins-0000000\(index): FAILED (exit code 3) — 命令执行失败: exit status 3"))
        }
        #expect(text.contains("… and 32 more: ins-00000006, ins-00000007"))
        // What is kept of each output is its end.
        #expect(text.contains("manifest unknown on ins-00000001\n```"))
        // Either every output is whole, or the tails were cut and the room is used up to the limit.
        let whole = event.invocation.failedInstances!.prefix(Presentation.detailedInstances).allSatisfy {
            text.contains($0.output!.text.trimmingCharacters(in: .newlines))
        }
        #expect(whole || (bytes ? text.utf8.count : text.count) > limit * 8 / 10)
    }

    @Test("Golden payloads of the invocation-level failure message, one per preset", arguments: platforms)
    func golden(type: String) throws {
        let formats = Self.presets.filter { $0.type == type }.map(\.format)
        var out = ""
        for format in formats {
            for (name, event) in [
                ("small", Self.deployWeb(failed: 3, outputBytes: 40)),
                ("at-limit", Self.deployWeb(failed: 37, outputBytes: 2048)),
            ] {
                let engine = try PresetTests.engine(type: type, format: format)
                let message = try engine.render(rule: "r", receiver: "x", events: [event], isRecovery: false)
                guard case .webhook(let webhook) = message else { throw CocoaError(.coderInvalidValue) }
                out +=
                    "=== \(type) \(format ?? "default") \(name)\n" + String(decoding: webhook.body, as: UTF8.self)
                    + "\n"
            }
        }
        let file = Support.root.appendingPathComponent("Tests/RulesTests/Fixtures/golden/\(type).txt")
        if ProcessInfo.processInfo.environment["TATTLE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(out.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(out == expected, "payloads differ from \(file.path); TATTLE_RECORD_GOLDEN=1 rewrites it")
    }

    /// Output written to break out: fences, links, images, auto-links, mentions and tags.
    static let hostileOutput = """
        ```
        [click me](https://evil.example/phish) ![pixel](https://evil.example/p.png) www.evil.example
        <at user_id="all">所有人</at> <!channel> <!here> <@U123> @everyone @here @all @ALL
        <font color="warning">red</font> <script>alert(1)</script> ~~~
        END-OF-OUTPUT
        """

    @Test(
        "Hostile output cannot close the fence, link, show an image or mention anyone",
        arguments: presets.map {
            ($0.type, $0.format, $0.path)
        })
    func hostileOutput(type: String, format: String?, path: [String]) throws {
        let event = Self.deployWeb(failed: 1, outputBytes: 0, output: Self.hostileOutput)
        let text = try Self.text(type, format, path, event)
        // The template's own fence closes right after the output; none opens or closes inside it.
        #expect(text.contains("END-OF-OUTPUT\n```"))
        #expect(text.components(separatedBy: "```").count == 3, "exactly one fenced block: \(text)")
        #expect(!text.contains("~~~"))
        for forbidden in [
            "](", "![", "://evil", "www.evil", "<at", "<!channel>", "<!here>", "<@", "<font", "<script",
            "@everyone", "@here", "@all", "@ALL",
        ] {
            #expect(!text.contains(forbidden), "\(type) \(format ?? ""): \(forbidden) in \(text)")
        }
        // The words are still there for people to read.
        #expect(text.contains("click me") && text.contains("everyone") && text.contains("所有人"))
    }

    /// Every string in a decoded JSON payload, depth first.
    static func strings(_ value: Any) -> [String] {
        switch value {
        case let text as String: [text]
        case let array as [Any]: array.flatMap(strings)
        case let object as [String: Any]: object.keys.sorted().flatMap { strings(object[$0]!) }
        default: []
        }
    }

    @Test(
        "No string anywhere in a chat payload lets hostile output link or mention",
        arguments: [
            ("wecom", "text"), ("wecom", "markdown"), ("dingtalk", "text"), ("dingtalk", "markdown"),
            ("feishu", "text"), ("feishu", "post"), ("lark", "post"), ("slack", "blocks"), ("slack", "text"),
            ("teams", "card"), ("discord", "embed"), ("discord", "content"),
        ])
    func hostileOutputInEveryField(type: String, format: String) throws {
        let event = Self.deployWeb(failed: 1, outputBytes: 0, output: Self.hostileOutput)
        let engine = try PresetTests.engine(type: type, format: format)
        let payload = try PresetTests.json(
            try engine.render(rule: "r", receiver: "x", events: [event], isRecovery: false))
        let all = Self.strings(payload).joined(separator: "\n")
        #expect(all.contains("END-OF-OUTPUT"))
        for forbidden in ["](", "![", "://evil", "www.evil", "<at", "<!channel>", "<@", "@everyone", "@all"] {
            #expect(!all.contains(forbidden), "\(type) \(format): \(forbidden)")
        }
    }

    @Test("Golden email (subject, text, HTML) and generic webhook payloads of the failure message")
    func goldenEmailAndWebhook() throws {
        var out = ""
        let event = Self.deployWeb(failed: 7, outputBytes: 40)
        guard
            case .email(let mail) = try PresetTests.engine(type: "email").render(
                rule: "r", receiver: "x", events: [event], isRecovery: false)
        else { throw CocoaError(.coderInvalidValue) }
        out += "=== email\nSubject: \(mail.subject)\n\n\(mail.text)\n--- html\n\(mail.html ?? "")\n"
        guard
            case .webhook(let webhook) = try PresetTests.engine(type: "webhook").render(
                rule: "r", receiver: "x", events: [event], isRecovery: false)
        else { throw CocoaError(.coderInvalidValue) }
        out += "=== webhook event\n" + String(decoding: webhook.body, as: UTF8.self) + "\n"
        let file = Support.root.appendingPathComponent("Tests/RulesTests/Fixtures/golden/email-webhook.txt")
        if ProcessInfo.processInfo.environment["TATTLE_RECORD_GOLDEN"] == "1" {
            try Data(out.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(out == expected, "payloads differ from \(file.path); TATTLE_RECORD_GOLDEN=1 rewrites it")
        #expect(mail.text.contains("… and 2 more: ins-00000006, ins-00000007"))
    }

    @Test("Email escapes HTML; the machine format keeps the output exactly")
    func emailAndWebhook() throws {
        let event = Self.deployWeb(failed: 1, outputBytes: 0, output: Self.hostileOutput)
        guard
            case .email(let mail) = try PresetTests.engine(type: "email").render(
                rule: "r", receiver: "x", events: [event], isRecovery: false)
        else {
            Issue.record("not an email")
            return
        }
        let html = try #require(mail.html)
        #expect(!html.contains("<script") && !html.contains("<at ") && !html.contains("<font"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(mail.text.contains("END-OF-OUTPUT"))

        let webhook = try PresetTests.json(
            try PresetTests.engine(type: "webhook").render(rule: "r", receiver: "x", events: [event], isRecovery: false)
        )
        let events = try #require(webhook["events"] as? [[String: Any]])
        let failed = try #require(
            (events.first?["invocation"] as? [String: Any])?["failedInstances"] as? [[String: Any]])
        #expect(failed.first?["errorInfo"] as? String == "命令执行失败: exit status 3")
        #expect((failed.first?["output"] as? [String: Any])?["text"] as? String == Self.hostileOutput)
    }

    static let neutralised: [(String, String)] = [
        ("plain text 部署", "plain text 部署"),
        ("```", "`\u{200B}`\u{200B}`"),
        ("[a](b)", "[a]\u{200B}(b)"),
        ("![i](u)", "!\u{200B}[i]\u{200B}(u)"),
        ("https://x", "https:\u{200B}//x"),
        ("a:/b", "a:/b"),
        ("WWW.x", "WWW\u{200B}.x"),
        ("<at>", "<\u{200B}at>"),
        ("@everyone @Here @all @channel", "@\u{200B}everyone @\u{200B}Here @\u{200B}all @\u{200B}channel"),
        ("mail me@example.com", "mail me@example.com"),
        ("~~~ ~", "~\u{200B}~\u{200B}~ ~"),
    ]

    @Test(arguments: neutralised)
    func chatMarkupNeutralises(input: String, expected: String) {
        #expect(Markup.chat.neutralise(input) == expected)
        #expect(Markup.plain.neutralise(input) == input)
    }

    @Test("Tails keep the end of the output and count what they leave out")
    func tailsKeepTheEnd() throws {
        let presentation = Presentation(markup: .plain, tailBytes: 7)
        let shown = try #require(presentation.show(OutputTail(text: "abc部署失败\n\n", omittedBytes: 10)))
        #expect(shown.text == "失败")
        #expect(shown.omittedBytes == 10 + "abc部署".utf8.count)
        #expect(Presentation(markup: .plain, tailBytes: 0).show(OutputTail(text: "x", omittedBytes: 0)) == nil)
        #expect(Presentation(markup: .plain).show(OutputTail(text: " \n", omittedBytes: 0)) == nil)
    }
}
