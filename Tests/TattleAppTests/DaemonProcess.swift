import Curl
import Foundation
import TATSimulator
import TencentCloud
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `tattle` binary run as a child process, stderr captured to a file.
final class DaemonProcess: @unchecked Sendable {
    static let secretKeyMarkers = ["SECRETKEY123456789", "smtp-pass-e2e-77aa"]

    let process = Process()
    let stderrURL: URL
    let statusPort: UInt16
    var statusURL: String { "http://127.0.0.1:\(statusPort)" }

    /// The binary next to the test bundle, else `.build/debug/tattle` above the working directory.
    static func binary() throws -> URL {
        let nextToBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [nextToBundle.appendingPathComponent("tattle")]
        var directory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent(".build/debug/tattle"))
            directory.deleteLastPathComponent()
        }
        var walk = nextToBundle
        for _ in 0..<6 {
            candidates.append(walk.appendingPathComponent("tattle"))
            walk.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestSupportError("tattle binary not found; run `swift build --build-tests` first")
        }
        return found
    }

    /// Starts `tattle run` (or other `arguments`) with the simulator credentials.
    init(
        arguments: [String], endpoint: String, stderr: URL, statusPort: UInt16 = 0, extraEnvironment: [String: String] = [:]
    ) throws {
        self.stderrURL = stderr
        self.statusPort = statusPort
        process.executableURL = try Self.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TATTLE_") }
        let credentials = TATSimulator.testCredentials
        environment["TENCENTCLOUD_SECRET_ID"] = credentials.secretId
        environment["TENCENTCLOUD_SECRET_KEY"] = credentials.secretKey
        environment["TENCENTCLOUD_REGION"] = "ap-guangzhou"
        environment["TATTLE_ENDPOINT"] = endpoint
        environment["SMTP_PASSWORD"] = "smtp-pass-e2e-77aa"
        environment.merge(extraEnvironment) { $1 }
        process.environment = environment
        if !FileManager.default.fileExists(atPath: stderr.path) {
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: stderr)
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// `tattle run` with the e2e flags.
    static func run(
        rules: URL, stateDir: URL, endpoint: String, stderr: URL, extra: [String] = [],
        extraEnvironment: [String: String] = [:]
    ) throws -> DaemonProcess {
        let port = try FreePort.pick()
        return try DaemonProcess(
            arguments: [
                "run", "--rules", rules.path, "--state-dir", stateDir.path, "--interval", "0.3",
                "--listen", "127.0.0.1:\(port)", "--log-format", "json", "--shutdown-grace", "1",
            ] + extra,
            endpoint: endpoint, stderr: stderr, statusPort: port, extraEnvironment: extraEnvironment)
    }

    var log: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit; returns the status, or kills and throws after `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(15)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                throw TestSupportError("tattle did not exit within \(timeout); log:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Kills the process if still running (cleanup after a failed expectation).
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits until the log contains `text`.
    func waitForLog(_ text: String, after offset: Int = 0, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let log = self.log
            if log.count > offset, log.dropFirst(offset).contains(text) { return }
            if !process.isRunning { throw TestSupportError("tattle exited; log:\n\(log)") }
            if ContinuousClock.now >= deadline { throw TestSupportError("'\(text)' not logged; log:\n\(log)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// GETs a status path.
    func get(_ path: String) async throws -> Curl.HTTPResponse {
        try await CurlClient().execute(HTTPRequest(url: statusURL + path))
    }

    /// Waits until `/readyz` answers 200 (the first poll is done), returning its body.
    @discardableResult
    func waitUntilReady(timeout: Duration = .seconds(15)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = try? await get("/readyz"), response.status == 200 { return response.bodyText }
            if !process.isRunning { throw TestSupportError("tattle exited; log:\n\(log)") }
            if ContinuousClock.now >= deadline { throw TestSupportError("never ready; log:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Runs `body` with `resource`, then closes it whether `body` threw or not.
func using<Resource>(
    _ resource: Resource, close: (Resource) async -> Void, _ body: (Resource) async throws -> Void
) async throws {
    do {
        try await body(resource)
        await close(resource)
    } catch {
        await close(resource)
        throw error
    }
}

/// Waits until `condition` holds.
func eventually(
    _ what: String, timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now >= deadline { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

extension HTTPReceiver.RecordedRequest {
    /// The events of a `format: event` envelope.
    var envelopeEvents: [[String: Any]] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        return object["events"] as? [[String: Any]] ?? []
    }
}

extension [String: Any] {
    var eventId: String { self["id"] as? String ?? "" }
    var eventStatus: String { self["status"] as? String ?? "" }
}

/// A scratch directory and a started simulator on a manual clock: what each `tattle run` world of
/// these tests starts from (its receivers are its own).
struct SimulatedScratch {
    let directory: URL
    let simulator: TATSimulator
    let endpoint: String

    /// A fresh directory named `prefix-<UUID>` and a simulator whose fleet is seeded with `seed`.
    static func start(_ prefix: String, seed: UInt64) async throws -> SimulatedScratch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let simulator = try await TATSimulator(configuration: .init(seed: seed, clockMode: .manual))
        try await simulator.start()
        return SimulatedScratch(directory: directory, simulator: simulator, endpoint: await simulator.endpoint)
    }

    /// Stops the simulator and removes the directory.
    func close() async {
        await simulator.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
