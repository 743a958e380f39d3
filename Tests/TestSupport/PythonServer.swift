import Foundation
import Synchronization

/// A `python3` script from `Tests/python/` run as a loopback server for a test.
///
/// The script must print `LISTENING <port>` as its first stdout line once bound; later stdout lines
/// are kept in ``outputLines``. The process is killed by ``stop()``, when the object is released,
/// and at process exit. A script that exits first (say, a missing module) makes ``start(script:arguments:)``
/// throw with its stderr and the `pip install -r Tests/python/requirements.txt` hint: tests fail,
/// they never skip.
public final class PythonServer: Sendable {
    /// The port the script reported.
    public let port: UInt16
    private let process: Mutex<Process?>
    private let output: Output

    /// The directory holding the scripts, `Tests/python`.
    public static var scriptsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python")
    }

    /// Launches `python3 -u Tests/python/<script> <arguments>` and waits (up to `timeout`, default 30 s)
    /// for its `LISTENING <port>` line.
    public static func start(
        script: String, arguments: [String] = [], timeout: Duration = .seconds(30)
    ) async throws -> PythonServer {
        let path = scriptsDirectory.appendingPathComponent(script).path
        guard FileManager.default.fileExists(atPath: path) else { throw TestSupportError("no script at \(path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", path] + arguments
        let output = Output()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Each pipe is read by a thread of its own until end of file, not by a `readabilityHandler`:
        // that is a dispatch source on the descriptor, and a pipe closed while its source is still
        // registered crashes libdispatch's event loop (seen as SIGSEGV in `_dispatch_event_loop_drain`).
        let outHandle = stdout.fileHandleForReading
        let errHandle = stderr.fileHandleForReading
        Thread.detachNewThread {
            while case let data = outHandle.availableData, !data.isEmpty { output.append(stdout: data) }
        }
        Thread.detachNewThread {
            while case let data = errHandle.availableData, !data.isEmpty { output.append(stderr: data) }
        }
        ChildProcesses.register(process.processIdentifier)

        let deadline = ContinuousClock.now + timeout
        while true {
            if let port = output.listeningPort {
                return PythonServer(port: port, process: process, output: output)
            }
            if !process.isRunning || ContinuousClock.now >= deadline {
                let pid = process.processIdentifier
                if process.isRunning { process.terminate() }
                ChildProcesses.unregister(pid)
                try? await Task.sleep(for: .milliseconds(100))  // let stderr drain
                let stderrText = output.errorText
                var message = "\(script) did not report LISTENING <port>"
                message += process.isRunning ? " within \(timeout)" : " (exit \(process.terminationStatus))"
                message += ". stderr: \(stderrText)"
                if stderrText.contains("ModuleNotFoundError") || stderrText.contains("No module named")
                    || stderrText.contains("requirements.txt")
                {
                    message += "\nInstall the test dependencies: pip install -r Tests/python/requirements.txt"
                }
                throw TestSupportError(message)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private init(port: UInt16, process: Process, output: Output) {
        self.port = port
        self.process = Mutex(process)
        self.output = output
    }

    deinit { stop() }

    /// Stdout lines printed after the `LISTENING` line, in order.
    public var outputLines: [String] { output.lines }

    /// Everything the script wrote to stderr so far.
    public var errorOutput: String { output.errorText }

    /// Waits until at least `count` stdout lines followed `LISTENING`, and returns them all.
    @discardableResult
    public func waitForOutputLines(count: Int, timeout: Duration = .seconds(10)) async throws -> [String] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let lines = outputLines
            if lines.count >= count { return lines }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    "\(lines.count) of \(count) output lines within \(timeout); stderr: \(errorOutput)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Kills the process (SIGKILL). Idempotent.
    public func stop() {
        guard
            let process = process.withLock({ state in
                defer { state = nil }
                return state
            })
        else { return }
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGKILL) }
        ChildProcesses.unregister(pid)
    }
}
