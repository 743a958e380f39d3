import Delivery
import Foundation
import Rules
import Secrets
import Testing

@Suite("Redaction of webhook URLs and secrets")
struct RedactorTests {
    static let wecom = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
    static let dingtalk = "https://oapi.dingtalk.com/robot/send?access_token=a1b2c3d4e5f6a7b8c9d0"
    static let slack = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
    static let discord = "https://discord.com/api/webhooks/123456789012345678/abcDEF_ghiJKL-mnoPQRstuVWX"
    static let teams = "https://prod-00.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=Zx9_SIGvalue"
    static let feishu = "https://open.feishu.cn/open-apis/bot/v2/hook/7d3c1a2b-aaaa-bbbb-cccc-0123456789ab"

    @Test("origin() keeps only scheme and host")
    func origin() {
        #expect(SecretSet.origin(Self.slack) == "https://hooks.slack.com/…")
        #expect(SecretSet.origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080")
        #expect(SecretSet.origin("not a url") == SecretSet.placeholder)
    }

    @Test("scrub() removes configured URLs, their tokens, signing secrets and SMTP passwords from text")
    func scrub() {
        let receivers = [
            Receiver(name: "wecom", platform: .wecom, url: Self.wecom),
            Receiver(name: "slack", platform: .slack, url: Self.slack),
            Receiver(name: "ding", platform: .dingtalk, url: Self.dingtalk, secret: "SECdingtalksecret"),
            Receiver(name: "hook", platform: .webhook, url: "https://example.com/hook",
                headers: ["Authorization": "Bearer tok-123456"], secret: "whsec_c2VjcmV0LWJ5dGVz"),
            Receiver(name: "mail", platform: .email, email: EmailSettings(
                url: "smtp://mailer:p%40ss@mail.example.com:587", username: "mailer", password: "p@ss-w0rd",
                from: "t@example.com", to: ["o@example.com"])),
        ]
        let redactor = SecretSet(receivers: receivers)
        let text = """
            POST \(Self.wecom) failed; token XXXXXXXXXXXXXXXXXXXXXXXX; ding sign SECdingtalksecret;
            key 693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa; whsec c2VjcmV0LWJ5dGVz; auth Bearer tok-123456;
            login p@ss-w0rd at smtp://mailer:p%40ss@mail.example.com:587; other https://x.test/a?token=zzz&b=1
            """
        let scrubbed = redactor.scrub(text)
        for secret in [
            "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa", "XXXXXXXXXXXXXXXXXXXXXXXX", "SECdingtalksecret",
            "c2VjcmV0LWJ5dGVz", "tok-123456", "p@ss-w0rd", "p%40ss", "zzz",
        ] {
            #expect(!scrubbed.contains(secret), "\(secret) leaked")
        }
        #expect(scrubbed.contains("qyapi") == false || scrubbed.contains("[redacted]"))
        #expect(scrubbed.contains("b=1"))
        #expect(scrubbed.contains("failed; token"))
    }
}

@Suite("One secret set per rules load")
struct SecretSetTests {
    @Test("A credential query value is a secret however short or plain; other values stay")
    func credentialQueryValue() {
        let secrets = SecretSet(urls: ["https://example.com/hook?token=plainword&team=ops"])
        #expect(secrets.scrub("token was plainword, team ops") == "token was [redacted], team ops")
    }

    @Test("A rules load carries its receivers' secrets")
    func engineSecrets() throws {
        let rules = #"""
            { "version": 1,
              "receivers": { "ding": { "type": "dingtalk", "secret": "SECsigning", "url": "https://oapi.dingtalk.com/robot/send?access_token=t0k" } },
              "rules": [ { "name": "all", "match": {}, "receivers": ["ding"] } ] }
            """#
        let ruleSet = try #require(RuleSet.load(data: Data(rules.utf8)).0)
        let secrets = RulesEngine(ruleSet: ruleSet).secrets
        #expect(secrets.scrub("sign SECsigning, token t0k") == "sign [redacted], token [redacted]")
    }
}
