import Testing
import Timekeeping

@testable import TencentCloud

/// The signing vectors of `reference/tat-api.md` §4: A (legacy doc), B (current doc), C1–C4 (TAT).
@Suite("TC3 signer vectors")
struct TC3SignerTests {
    static let exampleKeys = Credentials(
        secretId: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secretKey: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE")
    static let docBody = #"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#
    static let timestamp: Int64 = 1_551_113_065

    @Test("A: legacy official example, content-type;host")
    func vectorA() {
        let result = TC3Signer.sign(
            credentials: Self.exampleKeys, service: "cvm", host: "cvm.tencentcloudapi.com",
            action: "DescribeInstances", timestamp: Self.timestamp,
            contentType: "application/json; charset=utf-8", body: Array(Self.docBody.utf8),
            signedHeaders: .contentTypeHost)
        #expect(result.date == "2019-02-25")
        #expect(result.hashedPayload == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        #expect(result.hashedCanonicalRequest == "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
        #expect(result.signature == "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
        #expect(
            result.authorization
                == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
                + "SignedHeaders=content-type;host, "
                + "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
        let keys = TC3Signer.signingKeys(secretKey: Self.exampleKeys.secretKey, date: "2019-02-25", service: "cvm")
        #expect(TC3Signer.hex(keys.date) == "d1308c81fe71cfd4e06437bbc067b2b8a3d2d8c0e375d547f15c41d5214b395a")
        #expect(TC3Signer.hex(keys.signing) == "ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1")
    }

    @Test("A: canonical request and string to sign have the documented shape")
    func vectorAShape() {
        let result = TC3Signer.sign(
            credentials: Self.exampleKeys, service: "cvm", host: "cvm.tencentcloudapi.com",
            action: "DescribeInstances", timestamp: Self.timestamp,
            contentType: "application/json; charset=utf-8", body: Array(Self.docBody.utf8))
        #expect(
            result.canonicalRequest
                == "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
                + "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064")
        #expect(
            result.stringToSign
                == "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                + "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
    }

    @Test("B: current official doc, masked keys, content-type;host;x-tc-action")
    func vectorB() {
        let masked = Credentials(
            secretId: "AKID" + String(repeating: "*", count: 32), secretKey: String(repeating: "*", count: 32))
        let result = TC3Signer.sign(
            credentials: masked, service: "cvm", host: "cvm.tencentcloudapi.com", action: "DescribeInstances",
            timestamp: Self.timestamp, contentType: "application/json; charset=utf-8",
            body: Array(Self.docBody.utf8), signedHeaders: .contentTypeHostAction)
        #expect(result.canonicalRequest.contains("x-tc-action:describeinstances\n"))
        #expect(result.hashedCanonicalRequest == "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84")
        let keys = TC3Signer.signingKeys(secretKey: masked.secretKey, date: "2019-02-25", service: "cvm")
        #expect(TC3Signer.hex(keys.date) == "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0")
        #expect(TC3Signer.hex(keys.service) == "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f")
        #expect(TC3Signer.hex(keys.signing) == "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af")
        #expect(result.signature == "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f")
    }

    struct TATVector: Sendable, CustomTestStringConvertible {
        var name: String
        var host: String
        var contentType: String
        var signedHeaders: TC3Signer.SignedHeaders
        var action: String
        var body: String
        var signature: String
        var testDescription: String { name }
    }

    static let tatVectors: [TATVector] = [
        TATVector(
            name: "C1", host: "tat.tencentcloudapi.com", contentType: "application/json",
            signedHeaders: .contentTypeHost, action: "DescribeInvocations", body: #"{"Limit": 20, "Offset": 0}"#,
            signature: "67765f17c15d50fc6186ee3dc52b2879d0b6776a4cb333715306da7d3365cd7e"),
        TATVector(
            name: "C2", host: "tat.tencentcloudapi.com", contentType: "application/json; charset=utf-8",
            signedHeaders: .contentTypeHostAction, action: "DescribeInvocations", body: #"{"Limit":20,"Offset":0}"#,
            signature: "bc148b10fea207d55aeb9eb95aa4700a83401ca6786bd413e95ea68eb7b809db"),
        TATVector(
            name: "C3", host: "tat.intl.tencentcloudapi.com", contentType: "application/json",
            signedHeaders: .contentTypeHost, action: "DescribeInvocations",
            body: #"{"Filters":[{"Name":"invocation-id","Values":["inv-abcd1234"]}],"Limit":100,"Offset":0}"#,
            signature: "c72c2dfa51d49848454e8b1ef85de931d0416f4903921eba320b782ec012db35"),
        TATVector(
            name: "C4", host: "tat.tencentcloudapi.com", contentType: "application/json",
            signedHeaders: .contentTypeHostAction, action: "DescribeInvocationTasks",
            body: #"{"HideOutput":false,"InvocationTaskIds":["invt-abcd1234"]}"#,
            signature: "bed47a128fbc908cf8e2fa885b5b15be871669f58c299598d3702d1af81fcc89"),
    ]

    @Test("C: TAT vectors", arguments: tatVectors)
    func vectorC(_ vector: TATVector) {
        let result = TC3Signer.sign(
            credentials: Self.exampleKeys, service: "tat", host: vector.host, action: vector.action,
            timestamp: Self.timestamp, contentType: vector.contentType, body: Array(vector.body.utf8),
            signedHeaders: vector.signedHeaders)
        #expect(result.signature == vector.signature)
        #expect(
            result.authorization.hasSuffix(
                "SignedHeaders=\(vector.signedHeaders.rawValue), Signature=\(vector.signature)"))
        let keys = TC3Signer.signingKeys(secretKey: Self.exampleKeys.secretKey, date: "2019-02-25", service: "tat")
        #expect(TC3Signer.hex(keys.signing) == "eeaf308f68c6099b7ad3aa4ef7faf451ae2ad4994609f85f54ccaa03c885afa2")
    }

    @Test("C1 matches the Python SDK's full Authorization header and intermediate hashes")
    func vectorC1Full() {
        let result = TC3Signer.sign(
            credentials: Self.exampleKeys, service: "tat", host: "tat.tencentcloudapi.com",
            action: "DescribeInvocations", timestamp: Self.timestamp, body: Array(#"{"Limit": 20, "Offset": 0}"#.utf8))
        #expect(
            result.authorization
                == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/tat/tc3_request, "
                + "SignedHeaders=content-type;host, "
                + "Signature=67765f17c15d50fc6186ee3dc52b2879d0b6776a4cb333715306da7d3365cd7e")
        #expect(result.hashedPayload.hasPrefix("a0b735dc") && result.hashedPayload.hasSuffix("ba06"))
        #expect(result.hashedCanonicalRequest.hasPrefix("fc352490") && result.hashedCanonicalRequest.hasSuffix("04a6"))
    }

    @Test("the signer's output parses back and the secret key appears nowhere in it")
    func parseBack() throws {
        let result = TC3Signer.sign(
            credentials: Self.exampleKeys, service: "tat", host: "127.0.0.1:8080", action: "DescribeInvocations",
            timestamp: Self.timestamp, body: Array("{}".utf8), signedHeaders: .contentTypeHostAction)
        let parsed = try #require(TC3Authorization(parsing: result.authorization))
        #expect(parsed.secretId == Self.exampleKeys.secretId)
        #expect(parsed.date == "2019-02-25")
        #expect(parsed.service == "tat")
        #expect(parsed.signedHeadersVariant == .contentTypeHostAction)
        #expect(parsed.signature == result.signature)
        #expect(result.canonicalRequest.contains("host:127.0.0.1:8080\n"))
        for text in [result.authorization, result.canonicalRequest, result.stringToSign] {
            #expect(!text.contains(Self.exampleKeys.secretKey))
        }
    }

    @Test(
        "malformed Authorization headers do not parse",
        arguments: [
            "", "TC3-HMAC-SHA256", "HMAC Credential=a/b/c/tc3_request, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/b/c/other, SignedHeaders=host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=host",
        ])
    func malformed(_ header: String) {
        #expect(TC3Authorization(parsing: header) == nil)
    }

    @Test(
        "scope dates are UTC calendar dates",
        arguments: [
            (Int64(0), "1970-01-01"), (1_551_113_065, "2019-02-25"), (951_782_400, "2000-02-29"),
            (4_102_444_799, "2099-12-31"), (-1, "1969-12-31"),
        ])
    func scopeDate(_ timestamp: Int64, _ expected: String) {
        #expect(UTCTime.dateString(unixSeconds: timestamp) == expected)
    }
}
