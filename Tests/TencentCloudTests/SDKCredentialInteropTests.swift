import Foundation
import TATSimulator
import TencentCloud
import Testing

/// The official Python SDK's own credential providers (`CVMRoleCredential`, `STSAssumeRoleCredential`,
/// `OIDCRoleArnCredential`) as independent clients of the simulator's metadata service and STS: they
/// must parse what it issues, and the TAT endpoint must accept what they obtained.
@Suite("Python SDK credential providers against the simulator", .timeLimit(.minutes(1)))
struct SDKCredentialInteropTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("python/sdk_credentials.py").path

    @Test("CVM role, AssumeRole and AssumeRoleWithWebIdentity as the SDK calls them")
    func providers() async throws {
        let simulator = try await TATSimulator(configuration: .init(requestsPerSecond: nil))
        await simulator.configureCredentialServices {
            $0.instanceRole = "tattle-reader"
            $0.webIdentity = .init(providerId: "oidc-sdk", acceptedTokens: ["sdk-token"])
        }
        try await simulator.start()
        await simulator.addInvocation()
        let keys = TATSimulator.testCredentials
        let run = try await PythonSDKInteropTests().runPython([
            Self.script, await simulator.hostAndPort, keys.secretId, keys.secretKey,
            "qcs::cam::uin/100000000001:roleName/tattle-reader", "oidc-sdk", "sdk-token",
        ])
        let state = await simulator.credentialServicesState
        await simulator.stop()
        try #require(run.status == 0, "sdk_credentials.py failed: \(run.stderr)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]],
            "stdout: \(run.stdout)")
        for name in ["cvmRole", "assumeRole", "webIdentity"] {
            let result = try #require(output[name], "\(name) missing")
            let secretId = try #require(result["secretId"] as? String)
            #expect(state.issued[secretId] != nil, "\(name): \(secretId) was not issued by the simulator")
            #expect(result["hasToken"] as? Bool == true, "\(name)")
            #expect(result["totalCount"] as? Int == 1, "\(name)")
        }
        #expect(Set(state.issued.values.map(\.issuer)) == ["metadata", "AssumeRole", "AssumeRoleWithWebIdentity"])
    }
}
