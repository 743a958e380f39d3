import Events
import Foundation
import Testing

@testable import Rules

@Suite struct PresetTests {
    static let hostile =
        "quote \" backslash \\ newline\n tab\t {{title}} {{{x}}} <script>alert(1)</script> &amp; <!channel> @everyone 部署失败 \u{1F}"

    static func hostileEvent(outputBytes: Int = 30000) -> Event {
        let cjk = String(repeating: "部署失败，镜像拉取错误。", count: outputBytes / 36 + 1)
        return Support.event(
            type: .taskStatusChanged, status: "FAILED", command: "deploy-\"web\"\\{{x}}",
            task: TaskInfo(
                id: "invt-1", instanceId: "ins-1", status: "FAILED",
                details: TaskDetails(
                    exitCode: 1, errorInfo: hostile, output: OutputTail(text: hostile + "\n" + cjk, omittedBytes: 10)
                )
            ),
            description: hostile
        )
    }

    static func engine(type: String, format: String? = nil, extra: String = "") throws -> RulesEngine {
        let formatPart = format.map { #", "format": "\#($0)""# } ?? ""
        let receiver: String
        if type == "email" {
            receiver =
                #"{"type": "email", "smtp": {"url": "smtp://localhost:25"}, "from": "t@example.com", "to": ["a@example.com"]\#(extra)}"#
        } else {
            receiver = #"{"type": "\#(type)", "url": "https://example.com/hook?key=secret"\#(formatPart)\#(extra)}"#
        }
        let text = Support.rulesFile(
            rules: #"[{"name": "r", "match": {}, "receivers": ["x"]}]"#, receivers: #"{"x": \#(receiver)}"#)
        let (ruleSet, diagnostics) = Support.load(text)
        return RulesEngine(ruleSet: try #require(ruleSet, "\(diagnostics)"))
    }

    static func json(_ message: RenderedMessage) throws -> [String: Any] {
        guard case .webhook(let webhook) = message else { throw CocoaError(.coderInvalidValue) }
        #expect(webhook.headers["Content-Type"] == "application/json; charset=utf-8")
        return try #require(try JSONSerialization.jsonObject(with: Data(webhook.body)) as? [String: Any])
    }

    static func string(_ object: Any?, _ path: String...) -> String? {
        var current = object
        for key in path {
            if let index = Int(key), let array = current as? [Any] {
                current = index < array.count ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[key]
            }
        }
        return current as? String
    }

    /// (type, format, path to the main text, limit, counts bytes?)
    static let presets: [(String, String?, [String], Int, Bool)] = [
        ("wecom", "text", ["text", "content"], 2048, true),
        ("wecom", "markdown", ["markdown", "content"], 4096, true),
        ("dingtalk", "text", ["text", "content"], 20000, true),
        ("dingtalk", "markdown", ["markdown", "text"], 20000, true),
        ("feishu", "text", ["content", "text"], 20 * 1024, true),
        ("lark", "text", ["content", "text"], 20 * 1024, true),
        ("slack", nil, ["blocks", "1", "text", "text"], 3000, false),
        ("slack", "text", ["text"], 4000, false),
        ("discord", nil, ["embeds", "0", "description"], 4096, false),
        ("discord", "content", ["content"], 2000, false),
        ("teams", nil, ["attachments", "0", "content", "body", "1", "text"], 24 * 1024, true),
    ]

    @Test(arguments: presets)
    func presetIsValidJSONWithinLimits(type: String, format: String?, path: [String], limit: Int, bytes: Bool) throws {
        let engine = try Self.engine(type: type, format: format)
        for events in [
            [Self.hostileEvent()], [Self.hostileEvent(outputBytes: 100)],
            Array(repeating: Self.hostileEvent(), count: 3),
        ] {
            let message = try engine.render(rule: "r", receiver: "x", events: events, isRecovery: false)
            let object = try Self.json(message)
            var current: Any? = object
            for key in path {
                if let index = Int(key), let array = current as? [Any] {
                    current = array[index]
                } else {
                    current = (current as? [String: Any])?[key]
                }
            }
            let text = try #require(current as? String, "missing \(path) in \(object)")
            #expect((bytes ? text.utf8.count : text.count) <= limit)
            #expect(text.contains("部署失败"))
            #expect(String(decoding: Array(text.utf8), as: UTF8.self) == text)  // never a split character
            // Too long: the output tail is shortened first, so the message still ends with its
            // console link instead of being cut at the end.
            #expect(!text.hasSuffix(Truncation.marker))
            #expect(text.hasSuffix(Headline.consoleURL(events[0])))
        }
    }

    @Test func wecomTextCutsCJKAtTheByteLimitOnACharacterBoundary() throws {
        let engine = try Self.engine(type: "wecom", format: "text")
        let message = try engine.render(rule: "r", receiver: "x", events: [Self.hostileEvent()], isRecovery: false)
        let object = try Self.json(message)
        #expect(object["msgtype"] as? String == "text")
        let content = try #require(Self.string(object, "text", "content"))
        #expect(content.utf8.count <= 2048)
        // The output tail is shortened until the message fits, using the room up to the limit, and
        // the message keeps its end (the console link) instead of being cut there.
        #expect(content.utf8.count > 2048 - 48)
        #expect(content.hasSuffix(Headline.consoleURL(Self.hostileEvent())))
        #expect(content.contains("镜像拉取错误。\n```"))  // the end of the output is what is kept
    }

    @Test func shapesOfEachPlatform() throws {
        let event = Self.hostileEvent(outputBytes: 100)
        func render(_ type: String, _ format: String? = nil) throws -> [String: Any] {
            try Self.json(
                try Self.engine(type: type, format: format).render(
                    rule: "r", receiver: "x", events: [event], isRecovery: false))
        }
        let dingtalk = try render("dingtalk", "markdown")
        #expect(dingtalk["msgtype"] as? String == "markdown")
        #expect(Self.string(dingtalk, "markdown", "title")?.contains("deploy-\"web\"") == true)

        let feishu = try render("feishu", "post")
        #expect(feishu["msg_type"] as? String == "post")
        #expect(Self.string(feishu, "content", "post", "zh_cn", "title")?.isEmpty == false)
        #expect(Self.string(feishu, "content", "post", "zh_cn", "content", "0", "0", "tag") == "text")

        let slack = try render("slack")
        #expect(Self.string(slack, "blocks", "0", "type") == "header")
        let section = try #require(Self.string(slack, "blocks", "1", "text", "text"))
        #expect(!section.contains("<!channel>") && section.contains("&lt;!channel&gt;"))

        let teams = try render("teams")
        #expect(Self.string(teams, "attachments", "0", "contentType") == "application/vnd.microsoft.card.adaptive")
        #expect(Self.string(teams, "attachments", "0", "content", "type") == "AdaptiveCard")

        let discord = try render("discord")
        #expect(((discord["allowed_mentions"] as? [String: Any])?["parse"] as? [Any])?.isEmpty == true)
        #expect(Self.string(discord, "embeds", "0", "title")?.count ?? 999 <= 256)

        let webhook = try render("webhook")
        #expect(webhook["version"] as? Int == 1)
        let events = try #require(webhook["events"] as? [[String: Any]])
        #expect(events.first?["id"] as? String == event.id)
        #expect((events.first?["task"] as? [String: Any])?["errorInfo"] as? String == Self.hostile)
    }

    @Test func bodyTemplateEscapesEveryVariableAsJSON() throws {
        let template =
            #"{\"summary\": \"{{title}}\", \"error\": \"{{task.errorInfo}}\", \"count\": {{count}}, \"recovered\": {{isRecovery}}, \"body\": \"{{body}}\"}"#
        let engine = try Self.engine(type: "webhook", format: "template", extra: #", "bodyTemplate": "\#(template)""#)
        let object = try Self.json(
            try engine.render(rule: "r", receiver: "x", events: [Self.hostileEvent()], isRecovery: true))
        #expect(object["error"] as? String == Self.hostile)
        #expect(object["count"] as? Int == 1)
        #expect(object["recovered"] as? Bool == true)
        #expect((object["summary"] as? String)?.contains("recovered") == true)
    }

    @Test func bodyTemplateThatIsNotJSONIsRejectedAtCheckTime() {
        let text = Support.rulesFile(
            rules: #"[{"name": "r", "match": {}, "receivers": ["x"]}]"#,
            receivers:
                #"{"x": {"type": "webhook", "url": "https://e.example/", "format": "template", "bodyTemplate": "{\"a\": {{{title}}} }"}}"#
        )
        let (ruleSet, diagnostics) = Support.load(text)
        #expect(ruleSet == nil)
        #expect(diagnostics.contains { $0.path == "receivers.x.bodyTemplate" && $0.message.contains("valid JSON") })
    }

    @Test func emailIsHTMLEscaped() throws {
        let engine = try Self.engine(type: "email")
        guard
            case .email(let mail) = try engine.render(
                rule: "r", receiver: "x", events: [Self.hostileEvent(outputBytes: 100)], isRecovery: false)
        else {
            Issue.record("not an email")
            return
        }
        #expect(!mail.subject.contains("\n"))
        #expect(mail.text.contains("<script>"))
        let html = try #require(mail.html)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
    }

    @Test func defaultFailureBodyShowsWhatOpsNeed() throws {
        let event = Support.event(
            type: .taskStatusChanged, status: "FAILED",
            task: TaskInfo(
                id: "invt-9", instanceId: "ins-9", status: "FAILED",
                details: TaskDetails(exitCode: 137, errorInfo: "killed", output: OutputTail(text: "oom\n", omittedBytes: 0))
            )
        )
        let engine = try Self.engine(type: "slack")
        let text = try engine.renderText(rule: "r", receiver: "x", events: [event], isRecovery: false)
        #expect(text.title == "❌ deploy-web FAILED on ins-9, exit code 137 (ap-guangzhou)")
        for needle in [
            "Command: deploy-web (cmd-1)", "RUNNING → FAILED", "ins-9: FAILED (exit code 137) — killed", "oom",
            "https://console.cloud.tencent.com/tat/log?region=ap-guangzhou",
        ] {
            #expect(text.body.contains(needle), "\(needle) not in \(text.body)")
        }
        let recovery = try engine.renderText(
            rule: "r", receiver: "x", events: [Support.event(status: "SUCCESS")], isRecovery: true)
        #expect(recovery.title.hasPrefix("✅ deploy-web recovered"))
        let group = try engine.renderText(rule: "r", receiver: "x", events: [event, event], isRecovery: false)
        #expect(group.title.hasPrefix("❌ [2] "))
        #expect(group.body.contains("2 events, 2 failed instances"))
    }

    static let truncationCases: [(String, Int)] = [
        ("abc", 10), (String(repeating: "部", count: 100), 50), (String(repeating: "👨‍👩‍👧", count: 40), 100),
        ("a\u{301}" + String(repeating: "é", count: 50), 20),
    ]

    @Test(arguments: truncationCases)
    func truncationNeverSplitsCharacters(text: String, limit: Int) {
        let bytes = Truncation.toBytes(text, limit)
        #expect(bytes.utf8.count <= limit)
        #expect(text.hasPrefix(bytes) || bytes.hasSuffix(Truncation.marker))
        let prefix = bytes.hasSuffix(Truncation.marker) ? String(bytes.dropLast(Truncation.marker.count)) : bytes
        #expect(text.hasPrefix(prefix))
        let characters = Truncation.toCharacters(text, limit)
        #expect(characters.count <= limit)
    }
}
