import Events
import Foundation

/// Per-platform payloads built from rendered text, with each platform's limits.
public enum Presets {
    /// WeCom `text` content limit, in UTF-8 bytes.
    public static let wecomTextBytes = 2048
    /// WeCom `markdown` content limit, in UTF-8 bytes.
    public static let wecomMarkdownBytes = 4096
    /// DingTalk text/markdown limit Tattle keeps to, in UTF-8 bytes (DingTalk documents none; 20000 is safe).
    public static let dingtalkBytes = 20000
    /// Feishu/Lark request body limit, in bytes.
    public static let feishuBodyBytes = 20 * 1024
    /// Room left in a Feishu/Lark body for the `timestamp` and `sign` fields signing adds at send
    /// time (about 80 bytes), so the signed body stays within ``feishuBodyBytes``.
    public static let feishuSignatureReserve = 128
    /// Slack section text limit, in characters.
    public static let slackSectionCharacters = 3000
    /// Slack header block limit, in characters.
    public static let slackHeaderCharacters = 150
    /// Slack fallback `text` limit Tattle keeps to, in characters.
    public static let slackTextCharacters = 4000
    /// Teams card body limit Tattle keeps to, in bytes of the whole request (about 28 KB is accepted).
    public static let teamsBodyBytes = 24 * 1024
    /// Discord `content` limit, in characters.
    public static let discordContentCharacters = 2000
    /// Discord embed title limit, in characters.
    public static let discordTitleCharacters = 256
    /// Discord embed description limit, in characters.
    public static let discordDescriptionCharacters = 4096

    typealias Value = JSONText.Value

    /// ``Event/encoder``, made once (an encoder only reads its options while encoding).
    private static let eventEncoder = Event.encoder

    static func payload(platform: Platform, format: String?, text: Renderer.Text, events: [Event], isRecovery: Bool)
        -> Value
    {
        let title = text.title
        // Presets with a separate title field get the body without its repeated first line.
        let body = detail(title, text.body)
        let full = joined(title, text.body)
        switch platform {
        case .wecom:
            if format == "markdown" {
                let content = Truncation.toBytes("**\(title)**\n\(body)", wecomMarkdownBytes)
                return .object([
                    ("msgtype", .string("markdown")), ("markdown", .object([("content", .string(content))])),
                ])
            }
            let content = Truncation.toBytes(full, wecomTextBytes)
            return .object([("msgtype", .string("text")), ("text", .object([("content", .string(content))]))])
        case .dingtalk:
            if format == "markdown" {
                let markdown = Truncation.toBytes("### \(title)\n\n\(body)", dingtalkBytes)
                return .object([
                    ("msgtype", .string("markdown")),
                    (
                        "markdown",
                        .object([("title", .string(Truncation.toCharacters(title, 100))), ("text", .string(markdown))])
                    ),
                ])
            }
            let content = Truncation.toBytes(full, dingtalkBytes)
            return .object([("msgtype", .string("text")), ("text", .object([("content", .string(content))]))])
        case .feishu, .lark:
            if format == "post" {
                return fit(maxBytes: feishuBodyBytes - feishuSignatureReserve, body) { body in
                    let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Value in
                        .array([.object([("tag", .string("text")), ("text", .string(String(line)))])])
                    }
                    let post: Value = .object([("title", .string(title)), ("content", .array(lines))])
                    return .object([
                        ("msg_type", .string("post")), ("content", .object([("post", .object([("zh_cn", post)]))])),
                    ])
                }
            }
            return fit(maxBytes: feishuBodyBytes - feishuSignatureReserve, full) { full in
                .object([("msg_type", .string("text")), ("content", .object([("text", .string(full))]))])
            }
        case .slack:
            let fallback = Truncation.toCharacters(slackEscape(title), slackTextCharacters)
            if format == "text" {
                return .object([("text", .string(Truncation.toCharacters(slackEscape(full), slackTextCharacters)))])
            }
            return .object([
                ("text", .string(fallback)),
                (
                    "blocks",
                    .array([
                        .object([
                            ("type", .string("header")),
                            (
                                "text",
                                .object([
                                    ("type", .string("plain_text")),
                                    (
                                        "text",
                                        .string(
                                            Truncation.toCharacters(title.isEmpty ? " " : title, slackHeaderCharacters))
                                    ),
                                ])
                            ),
                        ]),
                        .object([
                            ("type", .string("section")),
                            (
                                "text",
                                .object([
                                    ("type", .string("mrkdwn")),
                                    (
                                        "text",
                                        .string(
                                            Truncation.toCharacters(
                                                slackEscape(body.isEmpty ? " " : body), slackSectionCharacters))
                                    ),
                                ])
                            ),
                        ]),
                    ])
                ),
            ])
        case .teams:
            let console = events.isEmpty ? "" : events.withFirst(Headline.consoleURL)
            return fit(maxBytes: teamsBodyBytes, body) { body in
                let card: Value = .object([
                    ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
                    ("type", .string("AdaptiveCard")),
                    ("version", .string("1.4")),
                    (
                        "body",
                        .array([
                            .object([
                                ("type", .string("TextBlock")), ("text", .string(title)), ("weight", .string("Bolder")),
                                ("size", .string("Medium")), ("wrap", .bool(true)),
                            ]),
                            .object([("type", .string("TextBlock")), ("text", .string(body)), ("wrap", .bool(true))]),
                        ])
                    ),
                    (
                        "actions",
                        .array([
                            .object([
                                ("type", .string("Action.OpenUrl")), ("title", .string("Open TAT console")),
                                ("url", .string(console)),
                            ])
                        ])
                    ),
                ])
                return .object([
                    ("type", .string("message")),
                    (
                        "attachments",
                        .array([
                            .object([
                                ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                                ("contentUrl", .null), ("content", card),
                            ])
                        ])
                    ),
                ])
            }
        case .discord:
            let noMentions: Value = .object([("parse", .array([]))])
            if format == "content" {
                return .object([
                    ("content", .string(Truncation.toCharacters(full, discordContentCharacters))),
                    ("allowed_mentions", noMentions),
                ])
            }
            var embed: [(String, Value)] = [
                ("title", .string(Truncation.toCharacters(title, discordTitleCharacters))),
                ("description", .string(Truncation.toCharacters(body, discordDescriptionCharacters))),
                ("color", .int(color(events: events, isRecovery: isRecovery))),
            ]
            if !events.isEmpty { embed.append(("url", .string(events.withFirst(Headline.consoleURL)))) }
            return .object([("embeds", .array([.object(embed)])), ("allowed_mentions", noMentions)])
        default:
            // Generic webhook, format "event": the versioned envelope with the events' documented JSON.
            let encoded: [Value] = events.map { event in
                (try? eventEncoder.encode(event)).map { .raw(Array($0)) } ?? .null
            }
            return .object([
                ("version", .int(1)),
                ("rule", .string(text.context.rule)),
                ("receiver", .string(text.context.receiver)),
                ("isRecovery", .bool(isRecovery)),
                ("title", .string(title)),
                ("text", .string(body)),
                ("events", .array(encoded)),
            ])
        }
    }

    /// Whether a message with this title and body fits the platform's limit without the preset
    /// cutting it (the JSON-encoded platforms are estimated from the escaped text, on the safe side).
    static func fits(platform: Platform, format: String?, title: String, body text: String) -> Bool {
        // Measured, not built: the detail is a slice of the body.
        let body = detailSlice(title, text)
        let full = joined(title, text)
        // Escaping is the dear part; a value is at most 6 times longer escaped (\u00XX).
        func escaped(_ value: some StringProtocol) -> Int {
            value.utf8.count * 6 < 2048 ? value.utf8.count * 6 : JSONText.escape(String(value)).utf8.count
        }
        // A string never has more characters than UTF-8 bytes: most bodies fit without counting.
        func characters(_ value: some StringProtocol, within limit: Int) -> Bool {
            value.utf8.count <= limit || value.count <= limit
        }
        switch platform {
        case .wecom:
            return format == "markdown"
                ? title.utf8.count + body.utf8.count + 5 <= wecomMarkdownBytes : full.utf8.count <= wecomTextBytes
        case .dingtalk:
            return format == "markdown"
                ? title.utf8.count + body.utf8.count + 6 <= dingtalkBytes : full.utf8.count <= dingtalkBytes
        case .feishu, .lark:
            if format == "post" {
                let lines = body.utf8.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                return escaped(title) + escaped(body) + 40 * lines + 200 <= feishuBodyBytes - feishuSignatureReserve
            }
            return escaped(full) + 100 <= feishuBodyBytes - feishuSignatureReserve
        case .slack:
            return format == "text"
                ? characters(slackEscape(full), within: slackTextCharacters)
                : characters(slackEscape(String(body)), within: slackSectionCharacters)
        case .teams:
            return escaped(title) + escaped(body) + 1000 <= teamsBodyBytes
        case .discord:
            return format == "content"
                ? characters(full, within: discordContentCharacters)
                : characters(body, within: discordDescriptionCharacters)
        default:
            return true
        }
    }

    /// The body without its first line when that line is the title (presets with a title field).
    static func detail(_ title: String, _ body: String) -> String {
        let slice = detailSlice(title, body)
        return slice.startIndex == body.startIndex ? body : String(slice)
    }

    /// ``detail(_:_:)`` as a slice of `body`.
    private static func detailSlice(_ title: String, _ body: String) -> Substring {
        guard !title.isEmpty, let end = prefixEnd(title, in: body) else { return body[...] }
        return body[end...].drop { $0 == "\n" }
    }

    static func joined(_ title: String, _ body: String) -> String {
        body.isEmpty ? title : prefixEnd(title, in: body) != nil ? body : title + "\n" + body
    }

    /// Where `prefix` ends in `text` when `text.hasPrefix(prefix)`, else `nil`. The usual case (the
    /// body starts with the very bytes of the title, up to a character boundary) is decided on
    /// UTF-8 bytes; anything else falls back to the character-wise comparison.
    static func prefixEnd(_ prefix: String, in text: String) -> String.Index? {
        if text.utf8.hasPrefix(prefix.utf8) {
            let end = text.utf8.index(text.utf8.startIndex, offsetBy: prefix.utf8.count)
            if let boundary = String.Index(end, within: text) { return boundary }
        }
        guard text.hasPrefix(prefix) else { return nil }
        return text.index(text.startIndex, offsetBy: prefix.count)
    }

    /// Slack mrkdwn control characters escaped as Slack asks (`&`, `<`, `>`), so text cannot ping
    /// `<!channel>` or forge links.
    static func slackEscape(_ text: String) -> String {
        guard
            text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") })
        else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Discord embed colour: red for failures, amber for stuck, green for success and recovery.
    static func color(events: [Event], isRecovery: Bool) -> Int {
        guard !events.isEmpty else { return 0x99AAB5 }
        return events.withFirst { event in
            if isRecovery || event.status.isSuccess { return 0x2EB67D }
            if event.stuck != nil { return 0xECB22E }
            return StatusClass.isFailure(event) ? 0xE01E5A : 0x99AAB5
        }
    }

    /// Builds the payload with `body`, shortening the body until the encoded payload fits `maxBytes`.
    static func fit(maxBytes: Int, _ body: String, build: (String) -> Value) -> Value {
        var budget = min(body.utf8.count, maxBytes)
        var current = Truncation.toBytes(body, budget)
        for _ in 0..<8 {
            let value = build(current)
            let size = JSONText.encode(value).count
            if size <= maxBytes { return value }
            budget -= size - maxBytes + 16
            if budget <= 0 { break }
            current = Truncation.toBytes(body, budget)
        }
        return build(Truncation.marker)
    }
}
