import Secrets
import Testing

@testable import Curl

@Suite("Redaction of URLs and secrets")
struct RedactorTests {
    @Test(
        "The target keeps only scheme, host and port",
        arguments: [
            ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "https://qyapi.weixin.qq.com:443"),
            ("http://user:pw@127.0.0.1:8080/x?y=z#f", "http://127.0.0.1:8080"),
            ("smtp://mail.example.com:587", "smtp://mail.example.com:587"),
            ("smtps://bot%40x.com:secret@smtp.example.com", "smtps://smtp.example.com:465"),
            ("http://[::1]:9000/p", "http://[::1]:9000"),
            ("https://hooks.slack.com/services/T0/B0/XXXX", "https://hooks.slack.com:443"),
            ("example.com/path", "example.com"),
        ])
    func target(url: String, expected: String) {
        #expect(Redactor(url: url).target == expected)
    }

    @Test("Scrubbing removes the URL, its userinfo, path, query, long tokens and passwords")
    func scrub() {
        let url = "https://bot:hunter22@hooks.example.com/services/T0AAA/B0BBB/XXXXSECRET?key=QUERYSECRET&x=1"
        let redactor = Redactor(url: url, extraSecrets: ["mail-password", nil])
        let text = """
            Failed \(url) for bot:hunter22 at /services/T0AAA/B0BBB/XXXXSECRET?key=QUERYSECRET&x=1, \
            token XXXXSECRET, QUERYSECRET, hunter22, pass mail-password, host hooks.example.com
            """

        let scrubbed = redactor.scrub(text)

        for secret in ["XXXXSECRET", "QUERYSECRET", "hunter22", "mail-password", "/services", "key="] {
            #expect(!scrubbed.contains(secret), "\(secret) survived: \(scrubbed)")
        }
        #expect(scrubbed.contains("host hooks.example.com"))
        #expect(scrubbed.contains(SecretSet.placeholder))
    }

    @Test("Ordinary text without secrets is left as it is")
    func untouched() {
        let redactor = Redactor(url: "http://127.0.0.1:1/", extraSecrets: ["pw"])
        let text = "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"
        #expect(redactor.scrub(text) == text)
    }
}
