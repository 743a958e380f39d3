import Curl
import Delivery
import Events
import Foundation
import Pipeline
import Rules
import Store
import TencentCloud
import Watcher

#if canImport(Glibc)
    import Glibc
#endif

/// Resident memory, measured in child processes (this executable re-run with `--child NAME`) so the
/// figures are not polluted by the other scenarios:
/// - idle: RSS after the daemon's parts are constructed (SQLite store opened, rules engine, CurlClient,
///   Dispatcher, Watcher) and nothing polled; baseline: a bare child that does nothing.
/// - tracking: the same after loading 100,000 invocations × 10 tasks into the structure the
///   Watcher's poller keeps (`[String: InvocationState]`); baseline: the same invocations held as
///   TencentCloud `Invocation` API models (what keeping the listing responses would cost); the note
///   also gives naive `[String: Any]` dictionaries.
/// Every child calls `malloc_trim(0)` before reading VmRSS.
enum MemoryScenario {
    static let invocations = 100_000
    static let tasksPer = 10

    static func run() throws -> [Figure] {
        let bare = try spawn("bare")
        let tracked = try spawn("tracked")
        let models = try spawn("models")
        let dictionaries = try spawn("dictionaries")
        let idle = tracked["idle"] ?? 0
        let loaded = tracked["loaded"] ?? 0
        return [
            Figure(
                name: "RSS idle (daemon parts constructed, nothing tracked)", value: idle, unit: "MB",
                baseline: bare["idle"], baselineName: "bare child process", target: "≤ 25", met: idle <= 25,
                note: idle <= 25
                    ? nil
                    : String(
                        format: "MISSED: the bare process (runtime + Foundation + every linked module) is "
                            + "already %.1f MB; constructing the parts adds %.1f MB (GRDB pool, libcurl, "
                            + "Mustache templates)", bare["idle"] ?? 0, idle - (bare["idle"] ?? 0))),
            Figure(
                name: "RSS tracking \(invocations / 1000)k invocations × \(tasksPer) tasks", value: loaded, unit: "MB",
                baseline: models["loaded"], baselineName: "same as [Invocation] API models", target: "≤ 80",
                met: loaded <= 80,
                note: String(
                    format: "the snapshot adds %.1f MB (≈ %.0f bytes per task); naive [String: Any] "
                        + "dictionaries: %.1f MB total%@", loaded - idle,
                    (loaded - idle) * 1_048_576 / Double(invocations * tasksPer), dictionaries["loaded"] ?? 0,
                    loaded <= 80
                        ? "" : "; MISSED: TaskState stores two Strings, a Date and flags per task — "
                            + "interning instance ids / packing statuses would be needed")),
        ]
    }

    /// Runs `self --child name` and parses its `key=value` lines.
    static func spawn(_ name: String) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--child", name]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("memory child \(name) exited \(process.terminationStatus)") }
        var values: [String: Double] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    static func rss() -> Double {
        _ = bench_malloc_trim(0)
        return residentMegabytes()
    }

    /// The child side; prints `key=value` lines.
    static func child(_ name: String) {
        switch name {
        case "bare":
            print("idle=\(rss())")
        case "tracked":
            let parts = Self.parts()
            print("idle=\(rss())")
            let snapshot = states()
            print("loaded=\(rss())")
            withExtendedLifetime((parts, snapshot)) {}
        case "models":
            let models = apiModels()
            print("loaded=\(rss())")
            withExtendedLifetime(models) {}
        case "dictionaries":
            let dictionaries = naiveDictionaries()
            print("loaded=\(rss())")
            withExtendedLifetime(dictionaries) {}
        default:
            FileHandle.standardError.write(Data("unknown child \(name)\n".utf8))
            exit(2)
        }
    }

    /// What the daemon holds before its first poll.
    static func parts() -> [Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tattle-bench-memory-\(getpid())", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let store = try? SQLiteStore(directory: directory),
            let engine = try? LatencyScenario.engine(LatencyScenario.rules(port: 9))
        else { return [] }
        let curl = CurlClient()
        let dispatcher = LatencyScenario.dispatcher(store: store, engine: engine, client: curl)
        let client = TATClient(credentials: Credentials(secretId: "AKIDEXAMPLE", secretKey: "example"))
        let watcher = Watcher(
            configuration: .init(), reader: client, store: store, sink: StoreSink(store: store))
        return [store, engine, curl, dispatcher, watcher]
    }

    static func id(_ prefix: String, _ index: Int) -> String {
        // Realistic 8-hex-digit ids, as TAT issues them.
        prefix + String(format: "%08x", UInt32(truncatingIfNeeded: index &* 2_654_435_761))
    }

    static func states() -> [String: InvocationState] {
        let origin = Date(timeIntervalSince1970: 1_795_000_000)
        var snapshot: [String: InvocationState] = [:]
        snapshot.reserveCapacity(invocations)
        for index in 0..<invocations {
            let tasks = (0..<tasksPer).map { slot in
                TaskState(
                    id: id("invt-", index * tasksPer + slot), instanceId: id("ins-", slot), status: .success,
                    statusSince: origin)
            }
            let invocationId = id("inv-", index)
            snapshot[invocationId] = InvocationState(
                id: invocationId, status: .success, statusSince: origin, timeout: 60, createdTime: origin, tasks: tasks)
        }
        return snapshot
    }

    static func apiModels() -> [Invocation] {
        let origin = Date(timeIntervalSince1970: 1_795_000_000)
        return (0..<invocations).map { index in
            Invocation(
                invocationId: id("inv-", index), invocationStatus: "SUCCESS",
                invocationTaskBasicInfoSet: (0..<tasksPer).map { slot in
                    InvocationTaskBasicInfo(
                        invocationTaskId: id("invt-", index * tasksPer + slot), taskStatus: "SUCCESS",
                        instanceId: id("ins-", slot))
                }, createdTime: origin, timeout: 60)
        }
    }

    static func naiveDictionaries() -> [String: [String: Any]] {
        var result: [String: [String: Any]] = [:]
        for index in 0..<invocations {
            let invocationId = id("inv-", index)
            result[invocationId] = [
                "InvocationId": invocationId, "InvocationStatus": "SUCCESS", "CreatedTime": "2026-11-20T10:00:00Z",
                "Timeout": 60,
                "Tasks": (0..<tasksPer).map { slot -> [String: String] in
                    [
                        "InvocationTaskId": id("invt-", index * tasksPer + slot), "TaskStatus": "SUCCESS",
                        "InstanceId": id("ins-", slot),
                    ]
                },
            ]
        }
        return result
    }
}

/// glibc's `malloc_trim` (not exported by the Glibc module map): returns freed heap pages to the OS.
@_silgen_name("malloc_trim")
func bench_malloc_trim(_ pad: Int) -> Int32
