import Curl
import Foundation
import Logging
import TATSimulator
import TencentCloud
import Testing
import Watcher

@testable import TattleApp

/// With neither `--region` nor `TENCENTCLOUD_REGION`, the region comes from the CVM metadata service;
/// without one the commands say how to set it.
@Suite("Region from the metadata service", .timeLimit(.minutes(1)))
struct RegionFromMetadataTests {
    @Test("watch takes the metadata service's region; a given region never asks it")
    func fromMetadata() async throws {
        let simulator = try await TATSimulator()
        await simulator.configureCredentialServices { $0.region = "ap-singapore" }
        try await simulator.start()
        let environment = [MetadataService.endpointVariable: await simulator.endpoint]
        let runner = WatchCommandRunner(options: .init(), environment: environment)
        // As `runner.resolvedSettings()` does, with room for a loaded test machine.
        let settings = try await runner.settings().resolvingRegion(
            environment: environment, timeout: Timeout(connect: .seconds(10), total: .seconds(30)))
        #expect(settings.region == "ap-singapore")
        #expect(try runner.configuration(settings: settings).regions == ["ap-singapore"])

        let before = await simulator.credentialServicesState.calls["metadata"]
        let given = try await APISettings(region: "ap-beijing").resolvingRegion(environment: environment)
        #expect(given.region == "ap-beijing")
        // In a TKE pod with pod identity the cluster's region comes first.
        let cluster = try await APISettings(region: nil).resolvingRegion(
            environment: environment.merging(["TKE_REGION": "ap-chengdu"]) { $1 })
        #expect(cluster.region == "ap-chengdu")
        #expect(await simulator.credentialServicesState.calls["metadata"] == before)
        await simulator.stop()
    }

    @Test("the CLI's chain registers every secret it fetches with the log scrubber")
    func secretsScrubbed() async throws {
        let key = "scrub-me-secret-\(UUID().uuidString)"
        let token = "scrub-me-token-\(UUID().uuidString)"
        let provider = try await APISettings.credentialProvider(
            endpoint: .tat,
            environment: [
                "TENCENTCLOUD_SECRET_ID": "AKIDSCRUB", "TENCENTCLOUD_SECRET_KEY": key, "TENCENTCLOUD_TOKEN": token,
            ])
        #expect(await provider.snapshot?.credentials.sessionToken == token)
        #expect(SecretScrubber.shared.scrub("key \(key) token \(token)") == "key [redacted] token [redacted]")
    }

    @Test("no metadata service: the error says how to set the region")
    func noMetadata() async throws {
        let simulator = try await TATSimulator()
        await simulator.configureCredentialServices { $0.metadataEnabled = false }
        try await simulator.start()
        let environment = [MetadataService.endpointVariable: await simulator.endpoint]
        let error = await #expect(throws: SettingsError.self) {
            try await APISettings(region: nil).resolvingRegion(environment: environment)
        }
        #expect(error?.description.contains("--region") == true)
        #expect(error?.description.contains("TENCENTCLOUD_REGION") == true)

        // `tattle run` refuses to start (exit 2) with the same advice, before touching anything else.
        let daemon = Daemon(
            options: DaemonOptions(),
            environment: environment.merging(["TENCENTCLOUD_SECRET_ID": "AKIDX", "TENCENTCLOUD_SECRET_KEY": "k"]) {
                $1
            })
        let refused = await #expect(throws: ConfigurationError.self) {
            _ = try await daemon.assemble(logger: Logger(label: "test"))
        }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("--region"))
        await simulator.stop()
    }
}
