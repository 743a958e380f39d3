import Foundation
import TATSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One writer per state directory: `tattle run` holds `tattle.lock`; a second `run` or a `watch` on the
/// same directory exits 2 at once, naming the directory and the holder; `deliveries` works beside it.
@Suite("State directory lock", .serialized, .timeLimit(.minutes(2)))
struct StateLockTests {
    @Test("a second tattle run (and tattle watch) on a locked state directory exits 2; deliveries and replay still work")
    func secondWriter() async throws {
        try await DaemonEndToEndTests.withWorld { world in
            try world.writeRules(world.rulesText())
            let daemon = try world.startDaemon()
            defer { daemon.kill9() }
            try await daemon.waitUntilReady()
            let expected =
                "the state directory \(world.state.path) is in use by another tattle process "
                + "(pid \(daemon.process.processIdentifier))"

            let secondLog = world.directory.appendingPathComponent("second.log")
            let second = try DaemonProcess.run(
                rules: world.rules, stateDir: world.state, endpoint: world.endpoint, stderr: secondLog)
            defer { second.kill9() }
            #expect(try await second.waitForExit() == 2)
            #expect(second.log.contains(expected), "log: \(second.log)")

            let watchLog = world.directory.appendingPathComponent("watch.log")
            let watch = try DaemonProcess(
                arguments: ["watch", "--once", "--state-dir", world.state.path], endpoint: world.endpoint,
                stderr: watchLog)
            defer { watch.kill9() }
            #expect(try await watch.waitForExit() == 2)
            #expect(watch.log.contains(expected), "log: \(watch.log)")

            let deliveries = try DaemonProcess(
                arguments: ["deliveries", "--state-dir", world.state.path], endpoint: world.endpoint,
                stderr: world.directory.appendingPathComponent("deliveries.log"))
            defer { deliveries.kill9() }
            #expect(try await deliveries.waitForExit() == 0)
            let replay = try DaemonProcess(
                arguments: ["replay", "--all-dead", "--state-dir", world.state.path], endpoint: world.endpoint,
                stderr: world.directory.appendingPathComponent("replay.log"))
            defer { replay.kill9() }
            #expect(try await replay.waitForExit() == 0)
            #expect(daemon.process.isRunning, "the first daemon is untouched")

            // Once the holder stops, the directory is free again.
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            let after = try DaemonProcess(
                arguments: ["watch", "--once", "--state-dir", world.state.path], endpoint: world.endpoint,
                stderr: world.directory.appendingPathComponent("after.log"))
            defer { after.kill9() }
            #expect(try await after.waitForExit() == 0)
        }
    }
}
