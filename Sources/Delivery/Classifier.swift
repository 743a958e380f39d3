import Foundation
import Rules
import Secrets

/// Judges a webhook response by the rules of its platform. Pure: the same inputs give the same
/// ``Classification``, so the whole table is unit-tested without sockets.
///
/// - WeCom, DingTalk: HTTP 2xx **and** body `errcode == 0`.
/// - Feishu, Lark: body `code == 0` (or legacy `StatusCode == 0`).
/// - Slack: HTTP 200 with the text body `ok`.
/// - Teams (Workflows): 202, or 200.
/// - Discord: 204, or 200 (`?wait=true`).
/// - Generic webhook (and any platform not listed): 2xx. A 3xx is a failure (redirects are not
///   followed); 410 means the endpoint is gone.
///
/// HTTP 413 is permanent for one message but marked ``Classification/isTooLarge``: the dispatcher
/// splits a digest and retries its halves. A `Retry-After` on a 5xx (503) sets
/// ``Classification/retryAfter``.
///
/// HTTP 429 and the platform throttle codes (DingTalk 130101, Feishu 11232, WeCom 45009) are
/// ``Outcome/rateLimited(retryAfter:)``; 5xx, 408, 425 and the "system busy" code -1 are transient;
/// any other 4xx or non-zero code is permanent (a configuration problem: bad key, signature, keyword).
public enum Classifier {
    /// How long a platform throttle lasts when the response does not say: DingTalk 10 min,
    /// WeCom and Feishu/Lark 1 min (their quotas are per minute).
    public static func throttleWindow(_ platform: Platform) -> Duration {
        platform == .dingtalk ? .seconds(600) : .seconds(60)
    }

    /// Classifies a response that arrived.
    /// - Parameters:
    ///   - platform: the receiver's platform.
    ///   - status: the HTTP status.
    ///   - headers: header fields as (name, value); names compared case-insensitively.
    ///   - body: the response body.
    ///   - now: the current time, to turn a `Retry-After` HTTP date into a wait.
    ///   - redactor: scrubs secrets from the excerpt. Default: one that knows no secrets.
    public static func classify(
        platform: Platform, status: Int, headers: [(String, String)], body: [UInt8], now: Date,
        redactor: SecretSet = SecretSet()
    ) -> Classification {
        let text = String(decoding: body, as: UTF8.self)
        let excerpt = redactor.scrub(text)
        func fail(_ outcome: Outcome) -> Classification { Classification(outcome, responseExcerpt: excerpt) }

        if status == 429 {
            let wait = RetryAfter.parse(headers: headers, body: body, platform: platform, now: now)
            return fail(.rateLimited(retryAfter: wait))
        }
        if (500..<600).contains(status) || status == 408 || status == 425 {
            var result = fail(.transient("HTTP \(status)"))
            // 503 (and any 5xx naming one) may say when to come back: honoured like a 429's.
            result.retryAfter = RetryAfter.parse(headers: headers, body: [], platform: .webhook, now: now)
            return result
        }
        if status == 413 {
            var result = fail(.permanent("HTTP 413: message too large"))
            result.isTooLarge = true
            return result
        }
        if (300..<400).contains(status) {
            return fail(.permanent("HTTP \(status): redirects are not followed; check the URL"))
        }
        switch platform {
        case .wecom, .dingtalk:
            return bodyCode(platform: platform, status: status, code: jsonInt(body, keys: ["errcode"]), excerpt)
        case .feishu, .lark:
            return bodyCode(
                platform: platform, status: status, code: jsonInt(body, keys: ["code", "StatusCode"]), excerpt)
        case .slack:
            if status == 200 && text.trimmingCharacters(in: .whitespacesAndNewlines) == "ok" {
                return Classification(.delivered)
            }
            let code = redactor.scrub(String(text.prefix(64)))
            return fail(.permanent("Slack rejected the message: HTTP \(status) \(code)"))
        case .teams:
            if status == 202 || status == 200 { return Classification(.delivered) }
            return fail(.permanent("HTTP \(status) from Teams workflow"))
        case .discord:
            if status == 204 || status == 200 { return Classification(.delivered) }
            return fail(.permanent("HTTP \(status) from Discord"))
        default:
            if (200..<300).contains(status) { return Classification(.delivered) }
            if status == 410 { return fail(.permanent("HTTP 410: endpoint gone")) }
            return fail(.permanent("HTTP \(status)"))
        }
    }

    /// The platform codes that mean "slow down".
    static func isThrottleCode(_ code: Int, platform: Platform) -> Bool {
        switch platform {
        case .wecom: code == 45009
        case .dingtalk: code == 130101
        case .feishu, .lark: code == 11232
        default: false
        }
    }

    private static func bodyCode(platform: Platform, status: Int, code: Int?, _ excerpt: String) -> Classification {
        guard let code else {
            if (200..<300).contains(status) {
                return Classification(
                    .transient("HTTP \(status) without a \(platform) result code"), responseExcerpt: excerpt)
            }
            return Classification(.permanent("HTTP \(status)"), responseExcerpt: excerpt)
        }
        if code == 0 {
            if (200..<300).contains(status) { return Classification(.delivered) }
            return Classification(.permanent("HTTP \(status)"), responseExcerpt: excerpt)
        }
        if isThrottleCode(code, platform: platform) {
            return Classification(.rateLimited(retryAfter: throttleWindow(platform)), responseExcerpt: excerpt)
        }
        if code == -1 {
            return Classification(.transient("\(platform) code -1 (system busy)"), responseExcerpt: excerpt)
        }
        return Classification(
            .permanent("\(platform) code \(code): \(meaning(code, platform: platform))"), responseExcerpt: excerpt)
    }

    /// A hint for ops about the well-known configuration errors.
    static func meaning(_ code: Int, platform: Platform) -> String {
        switch (platform, code) {
        case (.wecom, 93000): "invalid webhook key"
        case (.dingtalk, 310000): "signature, keyword or IP allow-list mismatch"
        case (.dingtalk, 300005): "access token does not exist"
        case (.feishu, 19021), (.lark, 19021): "signature mismatch or timestamp not within one hour"
        case (.feishu, 9499), (.lark, 9499): "bad request"
        default: "rejected by the platform"
        }
    }

    /// The first of `keys` found at the top of a JSON object body, as an integer.
    static func jsonInt(_ body: [UInt8], keys: [String]) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        for key in keys {
            if let number = object[key] as? NSNumber { return number.intValue }
            if let text = object[key] as? String, let value = Int(text) { return value }
        }
        return nil
    }
}
