import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Debian's `chromium` run headless against a loopback page: `--dump-dom` (the DOM after scripts
/// ran, serialized) and `--screenshot`. Each run gets a fresh `--user-data-dir`, is bounded by a
/// timeout and killed (with its process group) when it overruns. As root Chromium needs `--no-sandbox`.
struct HeadlessChromium {
    let binary: URL
    let scratch: URL

    /// Finds `chromium` (or `chromium-browser`); throws naming the Debian package when absent.
    init(scratch: URL) throws {
        let candidates =
            ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/chromium" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSupportError("chromium not found: install Debian's `chromium` package (.ci/run does)")
        }
        binary = URL(fileURLWithPath: path)
        self.scratch = scratch
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// The page's DOM after load, as HTML.
    func dumpDOM(_ url: String, timeout: Duration = .seconds(60)) async throws -> String {
        let output = try await run(["--dump-dom", url], timeout: timeout)
        guard output.contains("</html>") else { throw TestSupportError("chromium printed no DOM:\n\(output)") }
        return output
    }

    /// Writes a PNG of the page (`width`×`height` CSS pixels) to `file`.
    func screenshot(
        _ url: String, to file: URL, width: Int = 1280, height: Int = 1000, timeout: Duration = .seconds(60)
    )
        async throws
    {
        try? FileManager.default.removeItem(at: file)
        _ = try await run(
            ["--screenshot=\(file.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", url],
            timeout: timeout)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TestSupportError("chromium wrote no screenshot to \(file.path)")
        }
    }

    private func run(_ arguments: [String], timeout: Duration) async throws -> String {
        let profile = scratch.appendingPathComponent("profile-\(UUID())", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let stdout = scratch.appendingPathComponent("stdout-\(UUID()).txt")
        let stderr = scratch.appendingPathComponent("stderr-\(UUID()).txt")
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: stdout)
            try? FileManager.default.removeItem(at: stderr)
        }
        let process = Process()
        // Under setsid, Chromium leads its own process group, so one kill reaches its helpers too.
        let setsid = URL(fileURLWithPath: "/usr/bin/setsid")
        let isolated = FileManager.default.isExecutableFile(atPath: setsid.path)
        process.executableURL = isolated ? setsid : binary
        process.arguments =
            (isolated ? [binary.path] : []) + (geteuid() == 0 ? ["--no-sandbox"] : [])
            + [
                "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync", "--mute-audio",
                "--user-data-dir=\(profile.path)", "--virtual-time-budget=3000",
            ] + arguments
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let group = process.processIdentifier
        defer { if isolated { kill(-group, SIGKILL) } }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(isolated ? -group : group, SIGKILL)
                process.waitUntilExit()
                let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
                throw TestSupportError(
                    "chromium did not finish within \(timeout); killed. stderr:\n\(log.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let output = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let log = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            throw TestSupportError(
                "chromium exited with \(process.terminationStatus). stderr:\n\(log.suffix(2000))")
        }
        return output
    }
}
