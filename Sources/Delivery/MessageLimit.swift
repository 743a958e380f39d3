import Curl
import Foundation
import Rules

/// The largest message a receiver accepts, measured on the bytes that are actually sent (after
/// signing), and the check the digest splitter uses.
///
/// | platform | measured | limit |
/// |---|---|---|
/// | WeCom | `text.content` / `markdown.content` | 2,048 / 4,096 bytes |
/// | DingTalk | `text.content` / `markdown.text` | 20,000 bytes |
/// | Feishu, Lark | the signed request body (`timestamp`, `sign` included) | 20 KiB |
/// | Slack | request body | 40,000 bytes |
/// | Teams | request body | 28 KiB |
/// | Discord | request body | 16 KiB (the preset also keeps `content` ≤ 2,000 characters) |
/// | generic webhook | request body | the receiver's `maxBodyBytes`, default 256 KiB |
/// | email | text plus HTML part | 1 MiB |
///
/// A message the platform preset had to cut to size (it carries ``Truncation/marker``) does not fit
/// either: a digest is split instead of losing its tail.
public struct MessageLimit: Sendable, Hashable {
    /// What is measured.
    public enum Measure: Sendable, Hashable {
        /// The whole request body as sent.
        case body
        /// A string field of the JSON body, as UTF-8 (the path from the top object).
        case field([[String]])
        /// An email's text and HTML parts.
        case mail
    }

    /// Largest size, in bytes.
    public var bytes: Int
    /// What ``bytes`` applies to.
    public var measure: Measure

    /// Default `maxBodyBytes` of a generic webhook: 256 KiB.
    public static let defaultWebhookBytes = 256 * 1024

    /// The limit of `receiver`'s platform (and format).
    public static func of(_ receiver: Receiver) -> MessageLimit {
        switch receiver.platform {
        case .wecom:
            return receiver.format == "markdown"
                ? MessageLimit(bytes: Presets.wecomMarkdownBytes, measure: .field([["markdown", "content"]]))
                : MessageLimit(bytes: Presets.wecomTextBytes, measure: .field([["text", "content"]]))
        case .dingtalk:
            return MessageLimit(
                bytes: Presets.dingtalkBytes, measure: .field([["text", "content"], ["markdown", "text"]]))
        case .feishu, .lark: return MessageLimit(bytes: Presets.feishuBodyBytes, measure: .body)
        case .slack: return MessageLimit(bytes: 40_000, measure: .body)
        case .teams: return MessageLimit(bytes: 28 * 1024, measure: .body)
        case .discord: return MessageLimit(bytes: 16 * 1024, measure: .body)
        case .email: return MessageLimit(bytes: 1024 * 1024, measure: .mail)
        default: return MessageLimit(bytes: receiver.maxBodyBytes ?? defaultWebhookBytes, measure: .body)
        }
    }

    /// The measured size of `message` as it would be sent to `receiver` at `date` under `key`.
    public func size(of message: RenderedMessage, receiver: Receiver, key: String, at date: Date) -> Int {
        switch message {
        case .email(let mail):
            return mail.subject.utf8.count + mail.text.utf8.count + (mail.html?.utf8.count ?? 0)
        case .webhook(let webhook):
            let body =
                (try? WebhookTransport.request(for: webhook, receiver: receiver, idempotencyKey: key, at: date).body)
                ?? webhook.body
            guard case .field(let paths) = measure else { return body.count }
            guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
                return body.count
            }
            for path in paths {
                var value: Any? = object
                for key in path { value = (value as? [String: Any])?[key] }
                if let text = value as? String { return text.utf8.count }
            }
            return body.count
        }
    }

    /// Whether `message` fits: within ``bytes`` and not cut by the preset.
    public func fits(_ message: RenderedMessage, receiver: Receiver, key: String, at date: Date) -> Bool {
        if Self.isTruncated(message) { return false }
        return size(of: message, receiver: receiver, key: key, at: date) <= bytes
    }

    private static let marker = Array(Truncation.marker.utf8)

    /// Whether the preset cut the message (it carries ``Truncation/marker``).
    static func isTruncated(_ message: RenderedMessage) -> Bool {
        switch message {
        case .webhook(let webhook): contains(webhook.body, marker)
        case .email(let mail): mail.text.contains(Truncation.marker) || mail.subject.contains(Truncation.marker)
        }
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
