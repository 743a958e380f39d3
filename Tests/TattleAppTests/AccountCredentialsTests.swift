import Foundation
import Logging
import Rules
import TATSimulator
import TencentCloud
import Testing
import Watcher

@testable import TattleApp

/// Every credential source an account can name, resolved for real against the simulator's TAT API,
/// metadata service and STS, then used to sign a `DescribeInvocations` the simulator verifies.
@Suite("Accounts: every credential source", .timeLimit(.minutes(1)))
struct AccountCredentialsTests {
    static let region = "ap-guangzhou"

    static func accounts(tokenFile: String, profileFile: String) -> [Account] {
        [
            Account(name: "default", regions: [region]),
            Account(
                name: "env", regions: [region],
                credentials: .environment(
                    secretIdVariable: "ENV_ID", secretKeyVariable: "ENV_KEY", sessionTokenVariable: nil)),
            Account(name: "ini", regions: [region], credentials: .profile(file: profileFile, section: "staging")),
            Account(name: "node", regions: [region], credentials: .cvmRole(role: nil)),
            Account(name: "pod", regions: [], credentials: .tkeOIDC(roleArn: nil)),
            Account(
                name: "audit", regions: [region],
                credentials: .assumeRole(
                    roleArn: "qcs::cam::uin/100000000002:roleName/tattle-reader", base: "pod", sessionName: nil,
                    durationSeconds: nil)),
            Account(
                name: "cross", regions: [region],
                credentials: .assumeRole(
                    roleArn: "qcs::cam::uin/100000000003:roleName/tattle-reader", base: "env", sessionName: "x",
                    durationSeconds: 900)),
        ]
    }

    @Test("chain, environment, profile, CVM role, TKE OIDC and assumed roles each sign verified calls")
    func everySource() async throws {
        let simulator = try await TATSimulator()
        await simulator.configureCredentialServices {
            $0.instanceRole = "tattle-reader"
            $0.webIdentity = .init(providerId: "tke-oidc-1", acceptedTokens: ["pod-token-1"])
        }
        try await simulator.start()
        let endpoint = await simulator.endpoint
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-acct-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        try Data("pod-token-1\n".utf8).write(to: URL(fileURLWithPath: tokenFile))
        let profileFile = directory.appendingPathComponent("credentials").path
        let keys = TATSimulator.testCredentials
        try Data(
            "[default]\nsecret_id = AKIDWRONG\nsecret_key = wrong\n[staging]\nsecret_id = \(keys.secretId)\nsecret_key = \(keys.secretKey)\n"
                .utf8
        ).write(to: URL(fileURLWithPath: profileFile))
        let environment = [
            "TENCENTCLOUD_SECRET_ID": keys.secretId, "TENCENTCLOUD_SECRET_KEY": keys.secretKey,
            "ENV_ID": keys.secretId, "ENV_KEY": keys.secretKey, "HOME": directory.path,
            "TATTLE_METADATA_ENDPOINT": endpoint, "TATTLE_STS_ENDPOINT": endpoint,
            "TKE_REGION": Self.region, "TKE_PROVIDER_ID": "tke-oidc-1", "TKE_WEB_IDENTITY_TOKEN_FILE": tokenFile,
            "TKE_ROLE_ARN": "qcs::cam::uin/100000000001:roleName/pod",
        ]
        let clients = AccountClients(
            settings: APISettings(region: Self.region, endpoint: try #require(Endpoint(parsing: endpoint))),
            defaultRegions: [Self.region],
            credentials: AccountCredentials(environment: environment, logger: Logger(label: "test")),
            logger: Logger(label: "test"))
        let accounts = Self.accounts(tokenFile: tokenFile, profileFile: profileFile)
        let outcome = await clients.apply(accounts.reversed())  // bases are resolved first whatever the order
        #expect(outcome.failures.isEmpty, "\(outcome.failures)")
        #expect(outcome.renewed == Set(accounts.map(\.name)))
        #expect(
            clients.units.map(\.key) == [
                "audit/\(Self.region)", "cross/\(Self.region)", Self.region, "env/\(Self.region)", "ini/\(Self.region)",
                "node/\(Self.region)",
            ])
        for unit in clients.units {
            let reader = try #require(clients.reader(for: unit))
            _ = try await reader.describeInvocations(DescribeInvocationsRequest(limit: 1), region: unit.region)
        }
        let services = await simulator.credentialServicesState
        #expect(services.calls["AssumeRole"] == 2)
        #expect(services.calls["AssumeRoleWithWebIdentity"] == 1)
        #expect((services.calls["metadata"] ?? 0) > 0)

        // Applying the same accounts again keeps every client; a changed one is renewed alone, with
        // the roles assumed on top of it.
        #expect(await clients.apply(accounts).renewed.isEmpty)
        var changed = accounts
        changed[1].endpoint = endpoint + "/"
        #expect(await clients.apply(changed).renewed == ["env", "cross"])
        await simulator.stop()
    }

    @Test("a failing source keeps a running account's previous client, and leaves a new one out")
    func failureKeepsPrevious() async throws {
        let clients = AccountClients(
            settings: APISettings(region: Self.region, endpoint: .tat), defaultRegions: [Self.region],
            credentials: AccountCredentials(
                environment: ["A_ID": "AKIDA", "A_KEY": "a-key"], logger: Logger(label: "t")),
            logger: Logger(label: "t"))
        let good = Account(
            name: "a",
            credentials: .environment(secretIdVariable: "A_ID", secretKeyVariable: "A_KEY", sessionTokenVariable: nil))
        #expect(await clients.apply([good]).failures.isEmpty)
        let broken = Account(
            name: "a",
            credentials: .environment(secretIdVariable: "B_ID", secretKeyVariable: "B_KEY", sessionTokenVariable: nil))
        let fresh = Account(name: "b", credentials: .profile(file: "/nonexistent/credentials", section: "default"))
        let outcome = await clients.apply([broken, fresh])
        #expect(outcome.failures.map(\.account) == ["a", "b"])
        #expect(outcome.summary.contains("a: B_ID and B_KEY are not set"))
        #expect(clients.units == [WatchUnit(account: "a", region: Self.region)])
        #expect(clients.reader(for: WatchUnit(account: "a", region: Self.region)) != nil)
    }
}
