import Curl
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `tattle run` replica as a child process that can be SIGKILLed and started again with the
/// same arguments (a new status port each run); every run's stderr goes to its own file. The
/// high-availability test and benchmark run several on one database.
public final class TattleProcess: Sendable {
    /// A name for logs and messages (`r0`, `r1`…).
    public let name: String
    let binary: URL
    let arguments: [String]
    let environment: [String: String]
    let logDirectory: URL
    private let state = Mutex<(process: Process?, runs: Int, port: UInt16)>((nil, 0, 0))

    /// - Parameters:
    ///   - arguments: `run …` without `--listen` (added per run).
    ///   - environment: the child's whole environment.
    public init(name: String, binary: URL, arguments: [String], environment: [String: String], logDirectory: URL) {
        self.name = name
        self.binary = binary
        self.arguments = arguments
        self.environment = environment
        self.logDirectory = logDirectory
    }

    /// The `tattle` executable next to the running one (the test bundle's or `tattle-bench`'s directory).
    public static func siblingBinary() throws -> URL {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tattle")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestSupportError("no tattle binary at \(binary.path); build it first")
        }
        return binary
    }

    /// Starts a run on a fresh loopback status port.
    public func start() throws {
        let port = try FreePort.pick()
        let run = state.withLock { state in
            state.runs += 1
            state.port = port
            return state.runs
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments + ["--listen", "127.0.0.1:\(port)"]
        process.environment = environment
        let log = logDirectory.appendingPathComponent("\(name)-run-\(run).stderr")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        state.withLock { $0.process = process }
    }

    /// Sends `signal` and waits for the exit (at most 20 s, then SIGKILL).
    public func stop(_ signal: Int32 = SIGKILL) {
        guard let process = state.withLock({ $0.process }), process.isRunning else { return }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Whether the current run is alive.
    public var isRunning: Bool { state.withLock { $0.process?.isRunning ?? false } }

    /// The current run's status address, `http://127.0.0.1:<port>`.
    public var statusURL: String { "http://127.0.0.1:\(state.withLock { $0.port })" }

    /// Every run's stderr, in order.
    public var log: String {
        let runs = state.withLock { $0.runs }
        return (1...max(runs, 1)).map {
            (try? String(contentsOf: logDirectory.appendingPathComponent("\(name)-run-\($0).stderr"), encoding: .utf8))
                ?? ""
        }.joined()
    }

    /// GETs a status path of the current run; nil when it does not answer.
    public func get(_ path: String) async -> HTTPResponse? {
        try? await CurlClient.shared.execute(HTTPRequest(url: statusURL + path, timeout: .init(total: .seconds(2))))
    }

    /// The current run's unlabelled Prometheus samples (`tattle_owned_units` → 2); empty when it
    /// does not answer.
    public func metrics() async -> [String: Double] {
        guard let response = await get("/metrics"), response.status == 200 else { return [:] }
        var samples: [String: Double] = [:]
        for line in response.bodyText.split(separator: "\n") where !line.hasPrefix("#") && !line.contains("{") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }
}
