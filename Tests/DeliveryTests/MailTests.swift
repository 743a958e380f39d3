import Curl
import Delivery
import Foundation
import Rules
import TestSupport
import Testing

/// Parses a message with Python's `email` package (policy.default) and prints what the tests check.
private let parseScript = """
    import sys, email, json
    from email import policy
    raw = sys.stdin.buffer.read()
    m = email.message_from_bytes(raw, policy=policy.default)
    parts = []
    for part in (m.walk() if m.is_multipart() else [m]):
        if part.is_multipart(): continue
        parts.append({"type": part.get_content_type(), "cte": part["Content-Transfer-Encoding"], "text": part.get_content()})
    print(json.dumps({
        "subject": str(m["Subject"]), "from": str(m["From"]), "to": str(m["To"]), "bcc": m["Bcc"],
        "message_id": m["Message-ID"], "date": m["Date"], "mime": m["MIME-Version"],
        "keys": list(m.keys()), "type": m.get_content_type(), "parts": parts,
        "bare_lf": b"\\n" in raw.replace(b"\\r\\n", b""),
        "long_lines": max(len(l) for l in raw.split(b"\\r\\n")) > 998,
    }))
    """

private struct Parsed: Decodable {
    struct Part: Decodable {
        var type: String
        var cte: String?
        var text: String
    }
    var subject: String
    var from: String
    var to: String
    var bcc: String?
    var message_id: String
    var date: String
    var mime: String
    var keys: [String]
    var type: String
    var parts: [Part]
    var bare_lf: Bool
    var long_lines: Bool
}

private func parse(_ bytes: [UInt8]) throws -> Parsed {
    try JSONDecoder().decode(Parsed.self, from: Data(try Python.run(parseScript, input: bytes).utf8))
}

@Suite("Mail composition and SMTP delivery")
struct MailTests {
    @Test("CJK subject as encoded words, base64 UTF-8 body, stable Message-ID, CRLF only")
    func composeCJK() throws {
        let subject = "【告警】部署命令 inv-123 在 3 台实例上失败，请尽快处理这个问题并回复"
        let text = "实例 ins-1 退出码 2\n.dot line\nend"
        let bytes = MailComposer.compose(
            EmailMessage(subject: subject, text: text), from: "Tattle 机器人 <tattle@example.com>",
            to: ["ops@example.com", "Oncall <oncall@example.com>"], idempotencyKey: "evt_abc:ops-mail",
            date: Fixtures.epoch)
        let raw = String(decoding: bytes, as: UTF8.self)
        #expect(raw.contains("Subject: =?UTF-8?B?"))
        let ascii = raw.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(ascii)
        let parsed = try parse(bytes)
        #expect(parsed.subject == subject)
        #expect(parsed.from == "Tattle 机器人 <tattle@example.com>")
        #expect(parsed.to == "ops@example.com, Oncall <oncall@example.com>")
        #expect(parsed.message_id == "<evt_abc.ops-mail@tattle>")
        #expect(parsed.date == "Fri, 15 Jan 2027 08:00:00 +0000")
        #expect(parsed.mime == "1.0")
        #expect(parsed.parts.count == 1)
        #expect(parsed.parts[0].type == "text/plain")
        #expect(parsed.parts[0].cte == "base64")
        #expect(parsed.parts[0].text.replacingOccurrences(of: "\r\n", with: "\n") == text + "\n" || parsed.parts[0].text.replacingOccurrences(of: "\r\n", with: "\n") == text)
        #expect(!parsed.bare_lf)
        #expect(!parsed.long_lines)
    }

    @Test("A subject or address with CR/LF cannot inject a header")
    func injection() throws {
        let bytes = MailComposer.compose(
            EmailMessage(subject: "hello\r\nBcc: evil@x", text: "body"), from: "t@example.com\r\nX-Evil: 1",
            to: ["ops@example.com\nBcc: evil2@x"], idempotencyKey: "k", date: Fixtures.epoch)
        let parsed = try parse(bytes)
        #expect(parsed.bcc == nil)
        let injected = parsed.keys.contains { $0.lowercased() == "bcc" || $0.lowercased() == "x-evil" }
        #expect(!injected)
        #expect(parsed.subject == "hello  Bcc: evil@x")
    }

    @Test("HTML makes a multipart/alternative with text first")
    func html() throws {
        let bytes = MailComposer.compose(
            EmailMessage(subject: "s", text: "plain", html: "<p>rich 富</p>"), from: "t@example.com",
            to: ["o@example.com"], idempotencyKey: "k", date: Fixtures.epoch)
        let parsed = try parse(bytes)
        #expect(parsed.type == "multipart/alternative")
        #expect(parsed.parts.map(\.type) == ["text/plain", "text/html"])
        #expect(parsed.parts[1].text.contains("<p>rich 富</p>"))
    }

    @Test("STARTTLS is required except to loopback; requireTLS overrides")
    func tlsPolicy() {
        func policy(_ url: String, _ require: Bool? = nil) -> MailTLS {
            MailTransport.tlsPolicy(EmailSettings(url: url, from: "a@b", to: ["c@d"], requireTLS: require))
        }
        #expect(policy("smtp://mail.example.com:587") == .required)
        #expect(policy("smtp://127.0.0.1:2525") == .opportunistic)
        #expect(policy("smtp://127.8.9.10:25") == .opportunistic)
        #expect(policy("smtp://localhost:25") == .opportunistic)
        #expect(policy("smtp://[::1]:25") == .opportunistic)
        #expect(policy("smtp://127.0.0.1.evil.com:25") == .required)
        #expect(policy("smtp://127.0.0.1:2525", true) == .required)
        #expect(policy("smtp://mail.example.com:587", false) == .opportunistic)
    }

    @Test("Delivers through aiosmtpd with STARTTLS and AUTH to several recipients", .timeLimit(.minutes(2)))
    func starttlsAuth() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "delivery-smtp"))
        let server = try await SMTPTestServer.start(starttls: certificates, auth: ("bot", "s3cret-pass"))
        defer { server.stop() }
        let client = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { client.shutdown() }
        let receiver = Receiver(
            name: "ops-mail", platform: .email,
            email: EmailSettings(
                url: server.url, username: "bot", password: "s3cret-pass", from: "Tattle <tattle@example.com>",
                to: ["ops@example.com", "Oncall <oncall@example.com>"], requireTLS: true))
        let transport = MailTransport(client: client, now: { Fixtures.epoch })
        let result = await transport.send(
            EmailMessage(subject: "部署失败 inv-1\r\nBcc: evil@x", text: "退出码 2"), to: receiver,
            idempotencyKey: "evt_1:ops-mail")
        #expect(result.outcome == .delivered)
        let mail = try #require(try await server.waitForMessages(count: 1).first)
        #expect(mail.mailFrom == "tattle@example.com")
        #expect(mail.recipients == ["ops@example.com", "oncall@example.com"])
        #expect(mail.authLogin == "bot")
        let parsed = try parse(mail.data)
        #expect(parsed.subject == "部署失败 inv-1  Bcc: evil@x")
        #expect(parsed.bcc == nil)
        #expect(parsed.parts.first?.text.hasPrefix("退出码 2") == true)
        #expect(parsed.message_id == "<evt_1.ops-mail@tattle>")
    }

    @Test("SMTP 4xx is transient, 5xx permanent, and a wrong password never shows", .timeLimit(.minutes(2)))
    func rejections() async throws {
        let client = CurlClient()
        defer { client.shutdown() }
        let transport = MailTransport(client: client)
        for (code, transient) in [(451, true), (550, false)] {
            let server = try await SMTPTestServer.start(reject: code)
            defer { server.stop() }
            let receiver = Receiver(
                name: "m", platform: .email,
                email: EmailSettings(url: server.url, from: "t@example.com", to: ["o@example.com"]))
            let result = await transport.send(EmailMessage(subject: "s", text: "b"), to: receiver, idempotencyKey: "k")
            switch result.outcome {
            case .transient(let reason): #expect(transient, "\(code): \(reason)")
            case .permanent(let reason): #expect(!transient, "\(code): \(reason)")
            default: Issue.record("\(code) gave \(result.outcome)")
            }
        }
        let server = try await SMTPTestServer.start(auth: ("bot", "right-password"))
        defer { server.stop() }
        let receiver = Receiver(
            name: "m", platform: .email,
            email: EmailSettings(
                url: server.url, username: "bot", password: "wrong-password-42", from: "t@example.com",
                to: ["o@example.com"], requireTLS: false))
        let result = await transport.send(EmailMessage(subject: "s", text: "b"), to: receiver, idempotencyKey: "k")
        #expect(result.outcome != .delivered)
        #expect(!result.outcome.reason.contains("wrong-password-42"))
        #expect(result.responseExcerpt?.contains("wrong-password-42") != true)
    }
}
