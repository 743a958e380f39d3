import Delivery
import Foundation
import Testing

/// Each signature is checked against Python's `hmac`, an implementation independent of ours.
@Suite("Signers against Python's hmac")
struct SignerTests {
    @Test("DingTalk: HMAC-SHA256(key: secret, msg: ts\\nsecret), ms timestamp, percent-encoded in the query")
    func dingtalk() throws {
        let secret = "SEC0123456789abcdef+/="
        let ts: Int64 = 1_800_000_000_123
        let expected = try Python.run(
            """
            import hmac, hashlib, base64, sys
            s, ts = sys.argv[1], sys.argv[2]
            print(base64.b64encode(hmac.new(s.encode(), f"{ts}\\n{s}".encode(), hashlib.sha256).digest()).decode())
            """, [secret, String(ts)])
        #expect(DingTalkSigner.signature(secret: secret, timestampMillis: ts) == expected)

        let url = DingTalkSigner.sign(
            url: "https://oapi.dingtalk.com/robot/send?access_token=abc&sign=old", secret: secret,
            at: Date(timeIntervalSince1970: 1_800_000_000.123))
        let query = try #require(URLComponents(string: url)?.queryItems)
        #expect(query.first { $0.name == "timestamp" }?.value == "1800000000123")
        #expect(query.first { $0.name == "sign" }?.value == expected)
        #expect(query.filter { $0.name == "sign" }.count == 1)
        #expect(query.first { $0.name == "access_token" }?.value == "abc")
        #expect(!url.contains("+") && url.contains("%2B") || !expected.contains("+"))
    }

    @Test("Feishu/Lark: HMAC-SHA256(key: ts\\nsecret, msg: empty), seconds, inserted into the JSON body")
    func feishu() throws {
        let secret = "feishu-secret-ü"
        let ts: Int64 = 1_800_000_000
        let expected = try Python.run(
            """
            import hmac, hashlib, base64, sys
            s, ts = sys.argv[1], sys.argv[2]
            print(base64.b64encode(hmac.new(f"{ts}\\n{s}".encode(), b"", hashlib.sha256).digest()).decode())
            """, [secret, String(ts)])
        #expect(FeishuSigner.signature(secret: secret, timestampSeconds: ts) == expected)

        let body = Array(#"{"msg_type":"text","content":{"text":"a \"quoted\"\nline"},"flag":true}"#.utf8)
        let signed = try FeishuSigner.sign(body: body, secret: secret, at: Date(timeIntervalSince1970: 1_800_000_000.9))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(signed)) as? [String: Any])
        #expect(object["timestamp"] as? String == "1800000000")
        #expect(object["sign"] as? String == expected)
        #expect((object["content"] as? [String: Any])?["text"] as? String == "a \"quoted\"\nline")
        #expect(object["msg_type"] as? String == "text")
        let roundTrip = try Python.run(
            "import json,sys; d=json.load(sys.stdin); print(d['flag'] is True, d['content']['text'] == 'a \"quoted\"\\nline')",
            input: signed)
        #expect(roundTrip == "True True")
        #expect(throws: SigningError.self) { try FeishuSigner.sign(body: Array("[1]".utf8), secret: "s", at: .now) }
    }

    @Test("Standard Webhooks: v1 signature over id.timestamp.body with the base64-decoded whsec key")
    func standardWebhooks() throws {
        // The example from the Standard Webhooks specification's reference implementations.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let headers = try StandardWebhookSigner.headers(
            id: id, body: body, secret: secret, at: Date(timeIntervalSince1970: 1_614_265_330))
        let map = Dictionary(uniqueKeysWithValues: headers)
        #expect(map["webhook-id"] == id)
        #expect(map["webhook-timestamp"] == "1614265330")
        #expect(map["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")

        let python = try Python.run(
            """
            import hmac, hashlib, base64, sys
            key = base64.b64decode(sys.argv[1][len("whsec_"):])
            msg = f"{sys.argv[2]}.{sys.argv[3]}.".encode() + sys.stdin.buffer.read()
            print("v1," + base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode())
            """, [secret, id, "1614265330"], input: body)
        #expect(map["webhook-signature"] == python)

        let unsigned = try StandardWebhookSigner.headers(id: id, body: body, secret: nil, at: .now)
        #expect(unsigned.map(\.0) == ["webhook-id"])
        #expect(throws: SigningError.self) {
            try StandardWebhookSigner.headers(id: id, body: body, secret: "whsec_***not base64***", at: .now)
        }
    }
}
