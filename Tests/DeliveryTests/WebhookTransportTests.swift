import Crypto
import Curl
import Delivery
import Events
import Foundation
import Rules
import Secrets
import Store
import TestSupport
import Testing

@Suite("Webhook transport against loopback servers", .timeLimit(.minutes(2)))
struct WebhookTransportTests {
    func message(_ platform: Platform, _ url: String, body: String = #"{"msgtype":"text","text":{"content":"hi"}}"#)
        -> WebhookMessage
    {
        WebhookMessage(platform: platform, url: url, headers: [:], body: Array(body.utf8))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var platform: Platform
        var behavior: HTTPReceiver.Behavior
        var expected: Outcome
        var testDescription: String { "\(platform) → \(expected.label)" }
    }

    static let cases: [Case] = [
        Case(platform: .wecom, behavior: .json(200, #"{"errcode":45009,"errmsg":"freq"}"#),
            expected: .rateLimited(retryAfter: .seconds(60))),
        Case(platform: .wecom, behavior: .json(200, #"{"errcode":93000,"errmsg":"invalid"}"#),
            expected: .permanent("wecom code 93000: invalid webhook key")),
        Case(platform: .dingtalk, behavior: .json(200, #"{"errcode":130101,"errmsg":"too fast"}"#),
            expected: .rateLimited(retryAfter: .seconds(600))),
        Case(platform: .dingtalk, behavior: .json(200, #"{"errcode":310000,"errmsg":"sign not match"}"#),
            expected: .permanent("dingtalk code 310000: signature, keyword or IP allow-list mismatch")),
        Case(platform: .feishu, behavior: .json(200, #"{"code":11232,"msg":"frequency limited"}"#),
            expected: .rateLimited(retryAfter: .seconds(60))),
        Case(platform: .feishu, behavior: .json(200, #"{"code":19021,"msg":"sign match fail"}"#),
            expected: .permanent("feishu code 19021: signature mismatch or timestamp not within one hour")),
        Case(platform: .slack, behavior: .text(400, "invalid_payload"),
            expected: .permanent("Slack rejected the message: HTTP 400 invalid_payload")),
        Case(platform: .slack, behavior: .text(200, "ok"), expected: .delivered),
        Case(platform: .webhook, behavior: .status(429, headers: [HTTPHeader("Retry-After", "7")]),
            expected: .rateLimited(retryAfter: .seconds(7))),
        Case(platform: .webhook, behavior: .status(429, headers: [HTTPHeader("Retry-After", "Fri, 15 Jan 2027 08:00:42 GMT")]),
            expected: .rateLimited(retryAfter: .seconds(42))),
        Case(platform: .webhook, behavior: .status(500), expected: .transient("HTTP 500")),
        Case(platform: .teams, behavior: .status(202), expected: .delivered),
        Case(platform: .discord, behavior: .status(204), expected: .delivered),
    ]

    @Test("Each platform's real answers over HTTP", arguments: cases)
    func answers(_ item: Case) async throws {
        let server = try await HTTPReceiver(default: item.behavior).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let transport = WebhookTransport(client: client, now: { Fixtures.epoch })
        let receiver = Receiver(name: "r", platform: item.platform, url: server.url + "/hook?key=k")
        let result = await transport.send(message(item.platform, server.url + "/hook?key=k"), to: receiver, idempotencyKey: "evt_1:r")
        await server.stop()
        #expect(result.outcome == item.expected)
    }

    @Test("A response slower than the timeout and a dropped connection are transient")
    func networkFailures() async throws {
        let server = try await HTTPReceiver(default: .closeConnection).start()
        server.enqueue(.delay(.seconds(5), then: .status(200)))
        let client = CurlClient()
        defer { client.shutdown() }
        let transport = WebhookTransport(client: client)
        let slow = Receiver(name: "r", platform: .webhook, url: server.url, timeoutSeconds: 0.5)
        let timedOut = await transport.send(message(.webhook, server.url + "/slow"), to: slow, idempotencyKey: "k")
        guard case .transient(let reason) = timedOut.outcome else {
            Issue.record("slow response gave \(timedOut.outcome)")
            return
        }
        #expect(reason.contains("timeout"))
        let reset = await transport.send(message(.webhook, server.url + "/reset"), to: slow, idempotencyKey: "k")
        guard case .transient = reset.outcome else {
            Issue.record("closed connection gave \(reset.outcome)")
            return
        }
        await server.stop()
    }

    @Test("DingTalk signature verified by the receiving side")
    func dingtalkSignature() async throws {
        let secret = "SECabcdef0123456789"
        let server = try await HTTPReceiver(default: .dynamic { request in
            let items = URLComponents(string: "http://x" + request.target)?.queryItems ?? []
            guard let ts = items.first(where: { $0.name == "timestamp" })?.value,
                let sign = items.first(where: { $0.name == "sign" })?.value
            else { return .json(200, #"{"errcode":310000,"errmsg":"missing sign"}"#) }
            let mac = HMAC<SHA256>.authenticationCode(
                for: Array("\(ts)\n\(secret)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
            let ok = Data(mac).base64EncodedString() == sign && ts.count == 13
            return .json(200, ok ? #"{"errcode":0,"errmsg":"ok"}"# : #"{"errcode":310000,"errmsg":"sign not match"}"#)
        }).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let url = server.url + "/robot/send?access_token=tok"
        let receiver = Receiver(name: "d", platform: .dingtalk, url: url, secret: secret)
        let result = await WebhookTransport(client: client).send(message(.dingtalk, url), to: receiver, idempotencyKey: "k")
        #expect(result.outcome == .delivered)
        let wrong = Receiver(name: "d", platform: .dingtalk, url: url, secret: "SECwrong")
        let rejected = await WebhookTransport(client: client).send(message(.dingtalk, url), to: wrong, idempotencyKey: "k")
        #expect(rejected.outcome.label == "permanent")
        await server.stop()
    }

    @Test("Feishu signature in the body verified by the receiving side")
    func feishuSignature() async throws {
        let secret = "feishu-secret"
        let server = try await HTTPReceiver(default: .dynamic { request in
            guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
                let ts = object["timestamp"] as? String, let sign = object["sign"] as? String,
                object["msg_type"] as? String == "text"
            else { return .json(200, #"{"code":9499,"msg":"Bad Request"}"#) }
            let mac = HMAC<SHA256>.authenticationCode(
                for: [UInt8](), using: SymmetricKey(data: Array("\(ts)\n\(secret)".utf8)))
            let ok = Data(mac).base64EncodedString() == sign && ts.count == 10
            return .json(200, ok ? #"{"code":0,"msg":"success"}"# : #"{"code":19021,"msg":"sign match fail"}"#)
        }).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let url = server.url + "/open-apis/bot/v2/hook/tok"
        let receiver = Receiver(name: "f", platform: .feishu, url: url, secret: secret)
        let body = #"{"msg_type":"text","content":{"text":"部署失败 \"x\""}}"#
        let result = await WebhookTransport(client: client).send(message(.feishu, url, body: body), to: receiver,
            idempotencyKey: "k")
        #expect(result.outcome == .delivered)
        await server.stop()
    }

    @Test("Standard Webhooks headers verified by the receiving side; webhook-id is the idempotency key")
    func standardWebhooks() async throws {
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        let secret = "whsec_" + Data(key).base64EncodedString()
        let server = try await HTTPReceiver(default: .dynamic { request in
            guard let id = request.header("webhook-id"), let ts = request.header("webhook-timestamp"),
                let signature = request.header("webhook-signature")
            else { return .status(401) }
            let mac = HMAC<SHA256>.authenticationCode(
                for: Array("\(id).\(ts).".utf8) + request.body, using: SymmetricKey(data: key))
            return signature == "v1," + Data(mac).base64EncodedString() && request.header("content-type") == "application/json"
                ? .status(204) : .status(401)
        }).start()
        let client = CurlClient()
        defer { client.shutdown() }
        let receiver = Receiver(name: "w", platform: .webhook, url: server.url + "/events", secret: secret)
        let result = await WebhookTransport(client: client).send(message(.webhook, server.url + "/events"), to: receiver,
            idempotencyKey: "evt_9:w")
        #expect(result.outcome == .delivered)
        #expect(server.requests.first?.header("webhook-id") == "evt_9:w")
        await server.stop()
    }

    @Test("HTTPS with a test CA: trusted with the CA bundle, permanent failure without it")
    func tls() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "delivery-tls"))
        let server = try await TLSHTTPTestServer.start(certificates: certificates)
        defer { server.stop() }
        let trusting = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { trusting.shutdown() }
        let receiver = Receiver(name: "t", platform: .webhook, url: server.url + "/hook")
        let ok = await WebhookTransport(client: trusting).send(message(.webhook, server.url + "/hook"), to: receiver,
            idempotencyKey: "k")
        #expect(ok.outcome == .delivered)
        let strict = CurlClient()
        defer { strict.shutdown() }
        let refused = await WebhookTransport(client: strict).send(message(.webhook, server.url + "/hook"), to: receiver,
            idempotencyKey: "k")
        #expect(refused.outcome.label == "permanent")
    }

    @Test("End to end: a 500 is retried by the dispatcher, then delivered; the key never shows")
    func retryThenSuccess() async throws {
        let server = try await HTTPReceiver(default: .json(200, #"{"errcode":0,"errmsg":"ok"}"#)).start()
        server.enqueue(.text(500, "upstream broke for key=SUPERSECRETKEY1"))
        let client = CurlClient()
        defer { client.shutdown() }
        let clock = TestClock()
        let url = server.url + "/cgi-bin/webhook/send?key=SUPERSECRETKEY1"
        let receiver = Receiver(name: "wecom-ops", platform: .wecom, url: url)
        let store = InMemoryOutbox([Fixtures.row(1, receiver: "wecom-ops")])
        let dispatcher = Dispatcher(
            store: store, transport: CurlTransport(client: client, now: { clock.date }),
            receiverLookup: { $0 == "wecom-ops" ? receiver : nil },
            render: { batch, receiver in
                .webhook(WebhookMessage(platform: .wecom, url: receiver.url!, headers: [:],
                    body: Array(#"{"msgtype":"text","text":{"content":"\#(batch.events[0].id)"}}"#.utf8)))
            },
            redactor: { SecretSet(receivers: [receiver]) }, clock: clock, now: { clock.date }, random: { 0.5 })
        try await dispatcher.deliverDue()
        let failed = try #require(await store.row(1))
        #expect(failed.state == .pending)
        #expect(failed.lastError == "HTTP 500")
        #expect(failed.responseExcerpt?.contains("SUPERSECRETKEY1") == false)
        clock.advance(by: .seconds(10))
        try await dispatcher.deliverDue()
        #expect(await store.row(1)?.state == .delivered)
        #expect(server.requests.count == 2)
        await server.stop()
    }
}
