import Events
import Foundation
import Synchronization
import TATSimulator
import TattleApp
import TencentCloud
import Testing
import Watcher

@Suite("WatchCommandRunner")
struct WatchCommandRunnerTests {
    func runner(_ change: (inout WatchCommandRunner.Options) -> Void) -> WatchCommandRunner {
        var options = WatchCommandRunner.Options()
        change(&options)
        return WatchCommandRunner(options: options, environment: [:])
    }

    @Test("options map to the watcher configuration")
    func configuration() throws {
        let configuration = try runner {
            $0.interval = 2.5
            $0.regions = ["ap-shanghai", "ap-beijing"]
            $0.commandIds = ["cmd-1"]
            $0.instanceKinds = ["CVM"]
            $0.backfill = 60
        }.configuration()
        #expect(configuration.interval == .milliseconds(2500))
        #expect(configuration.regions == ["ap-shanghai", "ap-beijing"])
        #expect(configuration.filters.tatFilters?.map(\.name) == ["command-id", "instance-kind"])
        #expect(configuration.backfill == .seconds(60))
        // No region given: the configuration needs the metadata service's (see RegionFromMetadataTests).
        #expect(throws: WatchCommandRunner.OptionsError.self) { try runner { _ in }.configuration() }
    }

    @Test("TATTLE_TOMBSTONE_DAYS sets the tombstone retention (default 7 days); a bad value is refused")
    func tombstoneRetention() throws {
        var options = WatchCommandRunner.Options()
        options.regions = ["ap-guangzhou"]
        #expect(try runner { $0 = options }.configuration().tombstoneRetention == .seconds(7 * 86_400))
        let custom = WatchCommandRunner(options: options, environment: ["TATTLE_TOMBSTONE_DAYS": "0.5"])
        #expect(try custom.configuration().tombstoneRetention == .seconds(43_200))
        for bad in ["0", "-1", "week", "nan"] {
            let runner = WatchCommandRunner(options: options, environment: ["TATTLE_TOMBSTONE_DAYS": bad])
            #expect(throws: WatchCommandRunner.OptionsError.self) { try runner.validate() }
        }
    }

    @Test(
        "bad options are refused before anything starts",
        arguments: [
            "interval0", "intervalNaN", "backfillNegative", "createdBy", "instanceKind", "endpoint", "emptyRegion",
            "tooManyValues",
        ])
    func refused(option: String) {
        let runner = runner { options in
            switch option {
            case "interval0": options.interval = 0
            case "intervalNaN": options.interval = .nan
            case "backfillNegative": options.backfill = -1
            case "createdBy": options.createdBy = ["ROBOT"]
            case "instanceKind": options.instanceKinds = ["EC2"]
            case "endpoint": options.endpoint = "ftp://nowhere"
            case "emptyRegion": options.regions = [""]
            default: options.commandIds = (1...6).map { "cmd-\($0)" }
            }
        }
        #expect(throws: WatchCommandRunner.OptionsError.self) { try runner.validate() }
    }

    @Test(
        "--once against the simulator: backfilled events as JSON lines, then only what changed", .timeLimit(.minutes(2))
    )
    func once() async throws {
        let simulator = try await TATSimulator(configuration: .init(seed: 3, clockMode: .manual))
        try await simulator.start()
        do {
            try await runTwice(simulator)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    func runTwice(_ simulator: TATSimulator) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-watch-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let handle = await simulator.addInvocation(
            InvocationSpec(tasks: [.init(plan: TaskStep.failing(after: .seconds(2), exitCode: 7, output: "bad\n"))]))
        var options = WatchCommandRunner.Options()
        options.stateDirectory = directory
        options.endpoint = await simulator.endpoint
        options.backfill = 3600
        options.once = true
        let runner = WatchCommandRunner(
            options: options,
            environment: [
                "TENCENTCLOUD_SECRET_ID": TATSimulator.testCredentials.secretId, "TENCENTCLOUD_REGION": "ap-guangzhou",
                "TENCENTCLOUD_SECRET_KEY": TATSimulator.testCredentials.secretKey,
            ])
        let lines = Mutex<[String]>([])
        try await runner.run(output: { line in lines.withLock { $0.append(line) } })
        let first = try lines.withLock { $0 }.map { try Event.decoder.decode(Event.self, from: Data($0.utf8)) }
        #expect(first.map(\.type) == [.invocationStatusChanged])
        #expect(first.first?.previousStatus == nil)
        #expect(first.first?.invocation.id == handle.invocationId)

        await simulator.advance(by: .seconds(5))
        lines.withLock { $0.removeAll() }
        try await runner.run(output: { line in lines.withLock { $0.append(line) } })
        let second = try lines.withLock { $0 }.map { try Event.decoder.decode(Event.self, from: Data($0.utf8)) }
        #expect(second.map(\.previousStatus) == ["PENDING", "PENDING"])
        #expect(second.map(\.status) == ["FAILED", "FAILED"])
        #expect(second.last?.task?.exitCode == 7)
        #expect(second.last?.task?.output?.text == "bad\n")
    }
}
