import Foundation
import InMemoryLogging
import TATSimulator
import TencentCloud
import TestSupport
import Testing

/// Each credential source against the simulator's metadata service, STS and TAT endpoint on loopback.
@Suite("Credential chain against the simulator", .timeLimit(.minutes(1)))
struct CredentialChainTests {
    static let keys = TATSimulator.testCredentials
    static let permanent = [
        Credentials.secretIdVariable: keys.secretId, Credentials.secretKeyVariable: keys.secretKey,
    ]
    static let role = "qcs::cam::uin/100000000001:roleName/tattle-reader"

    @Test("static keys from the environment sign TAT calls; the source is named, never the secret")
    func environmentKeys() async throws {
        let bed = try await CredentialTestBed.start()
        let provider = try await bed.chain(bed.environment(Self.permanent)).resolve()
        #expect(provider.sourceName == "environment (TENCENTCLOUD_SECRET_ID)")
        #expect(try await bed.call(provider) >= 0)
        #expect(await provider.snapshot?.expiration == nil)
        await bed.simulator.stop()
    }

    @Test("a session token is read under each of its three names", arguments: Credentials.sessionTokenVariables)
    func tokenVariable(name: String) async throws {
        let bed = try await CredentialTestBed.start { $0.instanceRole = "tattle-node" }
        let issued = try await MetadataService(endpoint: bed.endpoint, timeout: CredentialTestBed.metadataTimeout)
            .roleCredentials("tattle-node")
        let temporary = issued.credentials
        let environment = bed.environment([
            Credentials.secretIdVariable: temporary.secretId, Credentials.secretKeyVariable: temporary.secretKey,
            name: try #require(temporary.sessionToken),
        ])
        let provider = try await bed.chain(environment).resolve()
        #expect(provider.sourceName == "environment (TENCENTCLOUD_SECRET_ID, \(name))")
        #expect(try await bed.call(provider) >= 0)
        // Without the token the same keys are refused: the token really travels.
        let bare = Credentials(secretId: temporary.secretId, secretKey: temporary.secretKey)
        #expect(await bed.errorCode(signingWith: bare) == "AuthFailure.TokenFailure")
        await bed.simulator.stop()
    }

    @Test("the profile file: TENCENTCLOUD_CREDENTIALS_FILE, else ~/.tencentcloud/credentials")
    func profileFile() async throws {
        let bed = try await CredentialTestBed.start()
        let home = try CredentialTestBed.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let directory = home.appendingPathComponent(".tencentcloud")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text =
            "# keys\n[other]\nsecret_id = AKIDWRONG\n[default]\nsecret_id = \(Self.keys.secretId)\n"
            + "secret_key=\(Self.keys.secretKey)\n"
        try text.write(to: directory.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)

        let fromHome = try await bed.chain(bed.environment(["HOME": home.path])).resolve()
        #expect(fromHome.sourceName == "profile file \(home.path)/.tencentcloud/credentials")
        #expect(try await bed.call(fromHome) >= 0)

        let named = directory.appendingPathComponent("credentials").path
        let explicit = try await bed.chain(bed.environment([ProfileCredentialSource.fileVariable: named])).resolve()
        #expect(explicit.sourceName == "profile file \(named)")
        #expect(try await bed.call(explicit) >= 0)

        let missing = bed.chain(bed.environment([ProfileCredentialSource.fileVariable: home.path + "/nope"]))
        let error = await #expect(throws: CredentialError.self) { try await missing.resolve() }
        #expect(error?.code == .misconfigured)
        #expect(error?.message.contains("does not exist") == true)
        await bed.simulator.stop()
    }

    @Test("CVM role: credentials are replaced before they expire, and the expired ones are then refused")
    func instanceRoleRotation() async throws {
        let bed = try await CredentialTestBed.start {
            $0.instanceRole = "tattle-reader"
            $0.lifetime = .seconds(3600)
        }
        let provider = try await bed.chain(bed.environment()).resolve()
        #expect(provider.sourceName == "CVM instance role tattle-reader")
        let first = try #require(await provider.snapshot)
        #expect(try await bed.call(provider) >= 0)

        // 200 s left: inside the 5-minute window. The call goes on with the current keys at once and
        // a refresh starts behind it.
        bed.clock.advance(by: .seconds(3400))
        #expect(try await bed.call(provider) >= 0)
        await provider.settle()
        let second = try #require(await provider.snapshot)
        #expect(second.credentials.secretId != first.credentials.secretId)
        #expect(await provider.refreshCount == 1)

        // Past the first credentials' expiry: they are refused, the provider already holds new ones.
        bed.clock.advance(by: .seconds(300))
        #expect(await bed.errorCode(signingWith: first.credentials) == "AuthFailure.TokenFailure")
        #expect(try await bed.call(provider) >= 0)
        #expect(await bed.simulator.credentialServicesState.issued.count == 2)

        // A token that belongs to other credentials is refused too.
        var mixed = second.credentials
        mixed.sessionToken = first.credentials.sessionToken
        #expect(await bed.errorCode(signingWith: mixed) == "AuthFailure.TokenFailure")

        for secret in [first, second].flatMap({ [$0.credentials.secretKey, $0.credentials.sessionToken ?? "-"] }) {
            #expect(!bed.logs.lines.contains { $0.contains(secret) })
        }
        #expect(bed.logs.lines.contains { $0.contains("credentials refreshed") })
        await bed.simulator.stop()
    }

    @Test("TKE pod identity: unsigned AssumeRoleWithWebIdentity, the rotated token file read on refresh")
    func webIdentityRotation() async throws {
        let bed = try await CredentialTestBed.start {
            $0.webIdentity = .init(providerId: "oidc-cls-1", acceptedTokens: ["token-one"])
            $0.lifetime = .seconds(3600)
        }
        let directory = try CredentialTestBed.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try "token-one\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let environment = bed.environment([
            "TKE_REGION": "ap-shanghai", "TKE_PROVIDER_ID": "oidc-cls-1",
            "TKE_WEB_IDENTITY_TOKEN_FILE": tokenFile.path, "TKE_ROLE_ARN": Self.role,
        ])
        let provider = try await bed.chain(environment).resolve()
        #expect(provider.sourceName == "TKE pod identity \(Self.role)")
        #expect(try await bed.call(provider) >= 0)
        let first = try #require(await provider.snapshot)

        // The kubelet rotates the projected token; the old one stops being accepted.
        try "token-two\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        await bed.simulator.configureCredentialServices { $0.webIdentity?.acceptedTokens = ["token-two"] }
        bed.clock.advance(by: .seconds(3400))
        #expect(try await bed.call(provider) >= 0)
        await provider.settle()
        #expect(await provider.refreshCount == 1)
        #expect(await provider.snapshot?.credentials.secretId != first.credentials.secretId)
        let calls = await bed.simulator.credentialServicesState.calls
        #expect(calls["AssumeRoleWithWebIdentity"] == 2)
        #expect(calls["AssumeRoleWithWebIdentityRefused"] == nil)
        await bed.simulator.stop()
    }

    @Test("a role assumed on top of permanent keys, and on top of a CVM role")
    func assumedRole() async throws {
        let bed = try await CredentialTestBed.start { $0.instanceRole = "tattle-node" }
        let environment = bed.environment(
            Self.permanent.merging([
                AssumedRoleCredentialSource.roleArnVariable: Self.role,
                AssumedRoleCredentialSource.sessionNameVariable: "tattle-test",
            ]) { $1 })
        let provider = try await bed.chain(environment).resolve()
        #expect(provider.sourceName == "role \(Self.role) assumed with environment (TENCENTCLOUD_SECRET_ID)")
        let assumed = try #require(await provider.snapshot)
        #expect(assumed.expiration != nil)
        #expect(assumed.credentials.secretId != Self.keys.secretId)
        #expect(try await bed.call(provider) >= 0)

        let onRole = try await bed.chain(bed.environment([AssumedRoleCredentialSource.roleArnVariable: Self.role]))
            .resolve()
        #expect(onRole.sourceName == "role \(Self.role) assumed with CVM instance role tattle-node")
        #expect(try await bed.call(onRole) >= 0)
        let issuers = await bed.simulator.credentialServicesState.issued.values.map(\.issuer).sorted()
        #expect(issuers == ["AssumeRole", "AssumeRole", "metadata"])
        await bed.simulator.stop()
    }

    @Test("chain order: environment, profile file, TKE pod identity, CVM role; a broken source stops the walk")
    func order() async throws {
        let bed = try await CredentialTestBed.start {
            $0.instanceRole = "tattle-node"
            $0.webIdentity = .init(providerId: "oidc-1", acceptedTokens: ["t"])
        }
        let directory = try CredentialTestBed.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let profile = directory.appendingPathComponent("credentials").path
        try "[default]\nsecret_id = \(Self.keys.secretId)\nsecret_key = \(Self.keys.secretKey)\n"
            .write(toFile: profile, atomically: true, encoding: .utf8)
        let tokenFile = directory.appendingPathComponent("token").path
        try "t".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let tke = [
            "TKE_REGION": "ap-guangzhou", "TKE_PROVIDER_ID": "oidc-1", "TKE_WEB_IDENTITY_TOKEN_FILE": tokenFile,
            "TKE_ROLE_ARN": Self.role,
        ]
        let everything = Self.permanent.merging(tke) { $1 }.merging([ProfileCredentialSource.fileVariable: profile]) {
            $1
        }
        func source(_ environment: [String: String]) async throws -> String {
            try await bed.chain(bed.environment(environment.merging(["HOME": directory.path]) { $1 })).resolve()
                .sourceName
        }
        #expect(try await source(everything).hasPrefix("environment"))
        #expect(
            try await source(everything.filter { !$0.key.hasPrefix("TENCENTCLOUD_SECRET") })
                == "profile file \(profile)")
        #expect(try await source(tke) == "TKE pod identity \(Self.role)")
        #expect(try await source([:]) == "CVM instance role tattle-node")

        // Half-exported keys are an error, even with a working profile file behind them.
        let half = bed.chain(
            bed.environment([Credentials.secretIdVariable: "AKIDX", ProfileCredentialSource.fileVariable: profile]))
        let error = await #expect(throws: CredentialError.self) { try await half.resolve() }
        #expect(error?.code == .misconfigured)
        #expect(error?.message.contains(Credentials.secretKeyVariable) == true)
        // So are half-set TKE variables.
        let partial = bed.chain(bed.environment(["TKE_ROLE_ARN": Self.role, "HOME": directory.path]))
        await #expect(throws: CredentialError.self) { try await partial.resolve() }
        await bed.simulator.stop()
    }

    @Test("nothing configured and no metadata service: one error listing every way to give credentials")
    func nothingFound() async throws {
        let bed = try await CredentialTestBed.start { $0.metadataEnabled = false }
        let noRole = bed.chain(bed.environment(["HOME": "/nonexistent"]))
        let error = await #expect(throws: CredentialError.self) { try await noRole.resolve() }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(Credentials.secretIdVariable) == true)
        await bed.simulator.stop()
        // Nothing listening at all (off a CVM): the same answer, not a hang.
        let closed = bed.chain(bed.environment(["HOME": "/nonexistent"]))
        let offline = await #expect(throws: CredentialError.self) { try await closed.resolve() }
        #expect(offline?.code == .notFound)
    }

    @Test("a refused refresh keeps the current credentials until they expire, then says what happened")
    func refusedRefresh() async throws {
        let bed = try await CredentialTestBed.start {
            $0.instanceRole = "tattle-reader"
            $0.lifetime = .seconds(3600)
        }
        let provider = try await bed.chain(bed.environment()).resolve()
        let first = try #require(await provider.snapshot)
        await bed.simulator.configureCredentialServices { $0.refusing = true }

        bed.clock.advance(by: .seconds(3400))
        #expect(try await bed.call(provider) >= 0)
        await provider.settle()
        #expect(await provider.snapshot == first)
        // Retried after the retry interval, still refused, still working on the current keys.
        bed.clock.advance(by: .seconds(60))
        #expect(try await bed.call(provider) >= 0)
        await provider.settle()
        #expect(await bed.simulator.credentialServicesState.calls["metadataRefused"] == 2)
        #expect(bed.logs.lines.contains { $0.contains("credential refresh failed; keeping the current ones") })

        bed.clock.advance(by: .seconds(200))
        let error = await #expect(throws: CredentialError.self) { try await bed.call(provider) }
        #expect(error?.code == .expired)
        #expect(error?.message.contains("CVM instance role tattle-reader") == true)

        await bed.simulator.configureCredentialServices { $0.refusing = false }
        #expect(try await bed.call(provider) >= 0)
        #expect(await provider.refreshCount == 1)
        await bed.simulator.stop()
    }
}
