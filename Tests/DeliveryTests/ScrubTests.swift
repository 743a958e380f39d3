import Foundation
import Secrets
import Testing

@Suite("Scrubbing checks where a pattern can match before running it")
struct ScrubTests {
    @Test(
        "credential queries and userinfo are masked wherever they appear; other text is left as it is",
        arguments: [
            ("see https://x.test/a?Token=abc123&team=ops", "see https://x.test/a?Token=[redacted]&team=ops"),
            ("a&SIGN=zz9 b", "a&SIGN=[redacted] b"),
            ("p?access_token=t0k&x=1", "p?access_token=[redacted]&x=1"),
            ("https://console.example/log?region=ap-guangzhou", "https://console.example/log?region=ap-guangzhou"),
            ("mail me@example.com, no scheme here", "mail me@example.com, no scheme here"),
            ("smtp://bot:pw@mail.example.com", "smtp://[redacted]@mail.example.com"),
            ("x=1 y==2 ?=3 &key", "x=1 y==2 ?=3 &key"),
            ("?ſig=folded-like-sig", "?ſig=[redacted]"),  // the pattern folds case the Unicode way
        ])
    func genericPatterns(text: String, expected: String) {
        #expect(SecretSet().scrub(text) == expected)
    }

    @Test("explicit secrets are found by their bytes, ASCII or not, at any position")
    func explicitSecrets() {
        let secrets = SecretSet(secrets: ["tok-123456", "pässwort", "abcabd"])
        #expect(secrets.scrub("tok-123456 at start") == "[redacted] at start")
        #expect(secrets.scrub("ends with tok-123456") == "ends with [redacted]")
        #expect(secrets.scrub("the pässwort is out") == "the [redacted] is out")
        #expect(secrets.scrub("abcabcabd") == "abc[redacted]", "a partial match first, then the whole")
        #expect(secrets.scrub("tok-12345 is not it") == "tok-12345 is not it")
    }
}
