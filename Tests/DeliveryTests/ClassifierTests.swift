import Delivery
import Foundation
import Rules
import Secrets
import Testing

@Suite("Success classification per platform")
struct ClassifierTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var platform: Platform
        var status: Int
        var body: String
        var headers: [String: String] = [:]
        var expected: Outcome
        var testDescription: String { "\(platform) \(status) \(body.prefix(40))" }
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let cases: [Case] = [
        // WeCom: 200 + errcode
        Case(platform: .wecom, status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#, expected: .delivered),
        Case(platform: .wecom, status: 200, body: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
            expected: .rateLimited(retryAfter: .seconds(60))),
        Case(platform: .wecom, status: 200, body: #"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
            expected: .permanent("wecom code 93000: invalid webhook key")),
        Case(platform: .wecom, status: 200, body: #"{"errcode":-1,"errmsg":"system busy"}"#,
            expected: .transient("wecom code -1 (system busy)")),
        Case(platform: .wecom, status: 200, body: "<html>proxy</html>",
            expected: .transient("HTTP 200 without a wecom result code")),
        // DingTalk
        Case(platform: .dingtalk, status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#, expected: .delivered),
        Case(platform: .dingtalk, status: 200, body: #"{"errcode":130101,"errmsg":"send too fast"}"#,
            expected: .rateLimited(retryAfter: .seconds(600))),
        Case(platform: .dingtalk, status: 200, body: #"{"errcode":310000,"errmsg":"sign not match"}"#,
            expected: .permanent("dingtalk code 310000: signature, keyword or IP allow-list mismatch")),
        Case(platform: .dingtalk, status: 200, body: #"{"errcode":300005,"errmsg":"token is not exist"}"#,
            expected: .permanent("dingtalk code 300005: access token does not exist")),
        // Feishu / Lark
        Case(platform: .feishu, status: 200, body: #"{"code":0,"msg":"success"}"#, expected: .delivered),
        Case(platform: .feishu, status: 200, body: #"{"StatusCode":0,"StatusMessage":"success"}"#,
            expected: .delivered),
        Case(platform: .lark, status: 200, body: #"{"code":11232,"msg":"frequency limited"}"#,
            expected: .rateLimited(retryAfter: .seconds(60))),
        Case(platform: .feishu, status: 200, body: #"{"code":19021,"msg":"sign match fail"}"#,
            expected: .permanent("feishu code 19021: signature mismatch or timestamp not within one hour")),
        Case(platform: .feishu, status: 400, body: #"{"code":9499,"msg":"Bad Request"}"#,
            expected: .permanent("feishu code 9499: bad request")),
        // Slack
        Case(platform: .slack, status: 200, body: "ok", expected: .delivered),
        Case(platform: .slack, status: 400, body: "invalid_payload",
            expected: .permanent("Slack rejected the message: HTTP 400 invalid_payload")),
        Case(platform: .slack, status: 429, body: "", headers: ["Retry-After": "30"],
            expected: .rateLimited(retryAfter: .seconds(30))),
        // Teams, Discord
        Case(platform: .teams, status: 202, body: "", expected: .delivered),
        Case(platform: .teams, status: 200, body: "", expected: .delivered),
        Case(platform: .discord, status: 204, body: "", expected: .delivered),
        Case(platform: .discord, status: 429, body: #"{"message":"rate limited","retry_after":1.5,"global":false}"#,
            expected: .rateLimited(retryAfter: .milliseconds(1500))),
        // Discord documents seconds: a large value is a long wait, not milliseconds.
        Case(platform: .discord, status: 429, body: #"{"message":"rate limited","retry_after":1500}"#,
            expected: .rateLimited(retryAfter: .seconds(1500))),
        Case(platform: .discord, status: 400, body: #"{"code":50035}"#, expected: .permanent("HTTP 400 from Discord")),
        // Generic webhooks
        Case(platform: .webhook, status: 204, body: "", expected: .delivered),
        Case(platform: .webhook, status: 301, body: "", headers: ["Location": "https://elsewhere"],
            expected: .permanent("HTTP 301: redirects are not followed; check the URL")),
        Case(platform: .webhook, status: 410, body: "", expected: .permanent("HTTP 410: endpoint gone")),
        Case(platform: .webhook, status: 404, body: "", expected: .permanent("HTTP 404")),
        Case(platform: .webhook, status: 502, body: "", expected: .transient("HTTP 502")),
        Case(platform: .webhook, status: 504, body: "", expected: .transient("HTTP 504")),
        Case(platform: .webhook, status: 500, body: "", expected: .transient("HTTP 500")),
        Case(platform: .wecom, status: 503, body: "", expected: .transient("HTTP 503")),
        Case(platform: .webhook, status: 429, body: "", headers: ["Retry-After": "Wed, 15 Jan 2027 08:00:10 GMT"],
            expected: .rateLimited(retryAfter: .seconds(10))),
        Case(platform: .webhook, status: 429, body: "", expected: .rateLimited(retryAfter: nil)),
    ]

    @Test("Each platform's answers", arguments: cases)
    func table(_ item: Case) {
        let now = item.headers["Retry-After"]?.contains("GMT") == true
            ? RetryAfter.httpDate("Wed, 15 Jan 2027 08:00:00 GMT")! : Self.now
        let result = Classifier.classify(
            platform: item.platform, status: item.status, headers: item.headers.map { ($0.key, $0.value) },
            body: Array(item.body.utf8), now: now)
        #expect(result.outcome == item.expected)
        if item.expected != .delivered && !item.body.isEmpty {
            #expect(result.responseExcerpt == item.body)
        }
        if item.expected == .delivered { #expect(result.responseExcerpt == nil) }
    }

    @Test("The excerpt is redacted and cut to 512 bytes on a character boundary")
    func excerpt() {
        let body = #"{"errcode":93000,"errmsg":"invalid key SECRETKEY123 "# + String(repeating: "告警", count: 300) + "\"}"
        let result = Classifier.classify(
            platform: .wecom, status: 200, headers: [], body: Array(body.utf8), now: Self.now,
            redactor: SecretSet(secrets: ["SECRETKEY123"]))
        let excerpt = try! #require(result.responseExcerpt)
        #expect(!excerpt.contains("SECRETKEY123"))
        #expect(excerpt.contains(SecretSet.placeholder))
        #expect(excerpt.utf8.count <= 512)
        #expect(excerpt.utf8.count > 500)
    }

    @Test("Retry-After: seconds, HTTP dates in all three forms, clamping")
    func retryAfter() {
        let now = RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:00 GMT")!
        #expect(RetryAfter.parseHeader("120", now: now) == 120)
        #expect(RetryAfter.parseHeader("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 37)
        #expect(RetryAfter.parseHeader("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == 37)
        #expect(RetryAfter.parseHeader("Sun Nov  6 08:49:37 1994", now: now) == 37)
        #expect(RetryAfter.parseHeader("Sun, 06 Nov 1994 08:48:00 GMT", now: now) == 0)
        #expect(RetryAfter.parseHeader("soon", now: now) == nil)
        let huge = RetryAfter.parse(headers: [("Retry-After", "999999")], body: [], platform: .webhook, now: now)
        #expect(huge == RetryAfter.maximum)
    }

    @Test("A 503's Retry-After is kept for the backoff; a 413 is marked too large (a digest splits)")
    func retryAfterAndTooLarge() {
        let busy = Classifier.classify(
            platform: .webhook, status: 503, headers: [("Retry-After", "120")], body: [], now: Fixtures.epoch)
        #expect(busy.outcome == .transient("HTTP 503"))
        #expect(busy.retryAfter == .seconds(120))
        let big = Classifier.classify(platform: .slack, status: 413, headers: [], body: [], now: Fixtures.epoch)
        #expect(big.isTooLarge)
        #expect(big.outcome == .permanent("HTTP 413: message too large"))
        #expect(!Classifier.classify(platform: .webhook, status: 400, headers: [], body: [], now: Fixtures.epoch).isTooLarge)
    }
}
