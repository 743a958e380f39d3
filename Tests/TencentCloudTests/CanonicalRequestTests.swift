import Foundation
import TencentCloud
import Testing

@testable import TATSimulator

/// The simulator's verifier for arbitrary signed-header sets, checked against the official vector B
/// (tat-api.md §4) and over the wire with a header set the shared signer does not produce.
@Suite("TATSimulator canonical request", .timeLimit(.minutes(1)))
struct CanonicalRequestTests {
    @Test("reproduces the official doc's vector B (content-type;host;x-tc-action)")
    func vectorB() {
        let body = #"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#
        let signature = CanonicalRequest.signature(
            secretKey: String(repeating: "*", count: 32), service: "cvm",
            signedHeaders: ["content-type", "host", "x-tc-action"],
            headers: [
                "content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com",
                "x-tc-action": "DescribeInstances",
            ],
            timestamp: 1_551_113_065, date: "2019-02-25", payload: Array(body.utf8))
        #expect(signature == "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f")
    }

    @Test("a request signing extra headers is verified; tampering with one is caught")
    func extraSignedHeaders() async throws {
        try await withSimulator { sim, caller async throws in
            let credentials = TATSimulator.testCredentials
            let timestamp = Int64(Date().timeIntervalSince1970)
            let date = String(TATTimeFormat.format(Date(timeIntervalSince1970: Double(timestamp))).prefix(10))
            let names = ["content-type", "host", "x-tc-region", "x-tc-timestamp"]
            let headers = [
                "content-type": "application/json", "host": caller.host, "x-tc-region": "ap-guangzhou",
                "x-tc-timestamp": String(timestamp),
            ]
            let signature = try #require(
                CanonicalRequest.signature(
                    secretKey: credentials.secretKey, service: "tat", signedHeaders: names, headers: headers,
                    timestamp: timestamp, date: date, payload: Array("{}".utf8)))
            var signed = caller
            signed.timestamp = timestamp
            signed.authorization =
                "TC3-HMAC-SHA256 Credential=\(credentials.secretId)/\(date)/tat/tc3_request, "
                + "SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)"
            #expect(try await signed.call("DescribeInvocations").errorCode == nil)
            signed.region = "ap-shanghai"
            #expect(try await signed.call("DescribeInvocations").errorCode == "AuthFailure.SignatureFailure")
        }
    }
}
