import Foundation
import TATSimulator
import TattleApp
import TencentCloud
import TestSupport
import Testing

/// `tattle run`, the built binary, on a simulated CVM: no keys and no region configured, so both come
/// from the metadata service — the instance role's temporary credentials and the placement region.
@Suite("tattle run with a CVM instance role", .timeLimit(.minutes(1)))
struct InstanceRoleDaemonTests {
    @Test("no keys, no region: the CVM role and region are used, logged without secrets, and polling works")
    func instanceRole() async throws {
        let simulator = try await TATSimulator()
        await simulator.configureCredentialServices {
            $0.instanceRole = "tattle-reader"
            $0.region = "ap-singapore"
        }
        try await simulator.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-cvm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rules = directory.appendingPathComponent("rules.json")
        try Data(
            #"{"version": 1, "receivers": {"hook": {"type": "webhook", "url": "http://127.0.0.1:9/"}}, "rules": []}"#
                .utf8
        ).write(to: rules)
        let port = try FreePort.pick()
        let daemon = try DaemonProcess(
            arguments: [
                "run", "--rules", rules.path, "--state-dir", directory.appendingPathComponent("state").path,
                "--interval", "0.3", "--listen", "127.0.0.1:\(port)", "--log-format", "json", "--shutdown-grace", "1",
            ],
            endpoint: await simulator.endpoint, stderr: directory.appendingPathComponent("stderr.log"),
            statusPort: port,
            extraEnvironment: [
                "TENCENTCLOUD_SECRET_ID": "", "TENCENTCLOUD_SECRET_KEY": "", "TENCENTCLOUD_REGION": "",
                "HOME": directory.path, "TATTLE_METADATA_ENDPOINT": await simulator.endpoint,
            ])
        defer { daemon.kill9() }
        try await daemon.waitUntilReady(timeout: .seconds(30))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        await simulator.stop()

        let log = daemon.log
        #expect(log.contains(#""source":"CVM instance role tattle-reader""#))
        #expect(log.contains(#""regions":"ap-singapore""#))
        let issued = await simulator.credentialServicesState.issued.values.map(\.credentials)
        #expect(!issued.isEmpty)
        for credentials in issued {
            #expect(!log.contains(credentials.secretKey))
            #expect(!log.contains(credentials.sessionToken ?? "-"))
        }
        #expect(await simulator.callCount(action: .describeInvocations) > 0)
    }

    @Test("tattle simulate --instance-role prints how to run as that CVM")
    func simulateBanner() {
        var options = SimulateCommandRunner.Options()
        options.instanceRole = "tattle-reader"
        let lines = SimulateCommandRunner(options: options).banner(endpoint: "http://127.0.0.1:9900")
        #expect(lines.contains { $0.contains("TATTLE_METADATA_ENDPOINT=http://127.0.0.1:9900") })
        #expect(lines.contains("  unset TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_REGION"))
        #expect(!SimulateCommandRunner(options: .init()).banner(endpoint: "x").contains { $0.contains("METADATA") })
    }
}
