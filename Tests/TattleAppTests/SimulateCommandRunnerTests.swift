import Foundation
import TATSimulator
import TattleApp
import TencentCloud
import Testing

/// `tattle simulate`'s option checks and banner, without starting a server.
@Suite("SimulateCommandRunner")
struct SimulateCommandRunnerTests {
    func runner(_ change: (inout SimulateCommandRunner.Options) -> Void) -> SimulateCommandRunner {
        var options = SimulateCommandRunner.Options()
        change(&options)
        return SimulateCommandRunner(options: options)
    }

    @Test("defaults listen on 127.0.0.1:9900 with the demo script")
    func defaults() throws {
        let runner = runner { _ in }
        try runner.validate()
        let address = try runner.listenAddress()
        #expect(address.host == "127.0.0.1" && address.port == 9900)
        let configuration = try runner.configuration()
        #expect(configuration.script == .demo)
        #expect(configuration.clockMode == .realTime(speed: 1))
    }

    @Test(
        "bad options are refused before anything starts",
        arguments: [
            "0.0.0.0:9900", "10.0.0.5:80", "127.0.0.1", "127.0.0.1:99999", "::1:9900", "example.com:80",
        ])
    func refusedListen(listen: String) {
        #expect(throws: SimulateCommandRunner.OptionsError.self) { try runner { $0.listen = listen }.validate() }
    }

    @Test("--allow-remote permits a non-loopback address; localhost means 127.0.0.1")
    func allowRemote() throws {
        try runner {
            $0.listen = "0.0.0.0:9900"
            $0.allowRemote = true
        }.validate()
        #expect(try runner { $0.listen = "localhost:1234" }.listenAddress().host == "127.0.0.1")
    }

    @Test("script, speed and fault rate are checked")
    func otherOptions() {
        #expect(throws: SimulateCommandRunner.OptionsError.self) { try runner { $0.script = "chaos" }.validate() }
        #expect(throws: SimulateCommandRunner.OptionsError.self) { try runner { $0.speed = 0 }.validate() }
        #expect(throws: SimulateCommandRunner.OptionsError.self) { try runner { $0.faultRate = 1.5 }.validate() }
    }

    @Test("the banner names the endpoint and the environment to export")
    func banner() {
        let lines = runner { _ in }.banner(endpoint: "http://127.0.0.1:9900").joined(separator: "\n")
        #expect(lines.contains("export TATTLE_ENDPOINT=http://127.0.0.1:9900"))
        #expect(lines.contains("export TENCENTCLOUD_SECRET_ID=\(TATSimulator.testCredentials.secretId)"))
        #expect(lines.contains("export TENCENTCLOUD_SECRET_KEY=\(TATSimulator.testCredentials.secretKey)"))
        #expect(lines.contains("export TENCENTCLOUD_REGION=ap-guangzhou"))
    }
}
