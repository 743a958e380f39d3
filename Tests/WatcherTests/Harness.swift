import Events
import Foundation
import Metrics
import Pipeline
import Store
import Synchronization
import TATSimulator
import TencentCloud
import TestSupport
import Watcher

/// Records what sinks committed, in order, across watcher instances.
final class CommitLog: Sendable {
    private let state = Mutex<(events: [Event], commits: Int, baselines: Int)>(([], 0, 0))
    var events: [Event] { state.withLock { $0.events } }
    var commits: Int { state.withLock { $0.commits } }
    var baselines: Int { state.withLock { $0.baselines } }
    func record(_ diff: Diff, baseline: Bool) {
        state.withLock {
            $0.events += diff.events
            $0.commits += 1
            if baseline { $0.baselines += 1 }
        }
    }
}

/// Commits to the store and records; fails every commit while `failing` is set.
final class RecordingSink: CycleSink {
    let store: any StateStore
    let log: CommitLog
    let failing = Mutex(false)

    init(store: any StateStore, log: CommitLog) {
        self.store = store
        self.log = log
    }

    func commit(region: String, diff: Diff, baseline: Bool) async throws {
        if failing.withLock({ $0 }) { throw SinkFailure() }
        try await StoreSink(store: store).commit(region: region, diff: diff, baseline: baseline)
        log.record(diff, baseline: baseline)
    }
}

struct SinkFailure: Error {}

/// A simulator on loopback with a manual clock, a TATClient without retries (so injected faults reach
/// the watcher), a SQLite store in a temporary directory and a commit log.
struct Harness {
    let simulator: TATSimulator
    let client: TATClient
    let directory: URL
    let store: SQLiteStore
    /// The watcher's wall clock, moved by hand in step with the simulator's manual fleet clock.
    let now: TestClock
    let log = CommitLog()
    static let region = "ap-guangzhou"
    static let origin = Date(timeIntervalSince1970: 1_764_000_000)

    /// - Parameters:
    ///   - order: the order the simulator lists in. Default newest first.
    ///   - clientClockOffset: seconds added to the client's signing clock (a skewed host). Default 0.
    static func with(
        requestsPerSecond: Int? = nil, order: ListingOrder = .newestFirst, clientClockOffset: Double = 0,
        _ body: (Harness) async throws -> Void
    ) async throws {
        let simulator = try await TATSimulator(
            configuration: .init(
                seed: 42, clockMode: .manual, origin: origin, requestsPerSecond: requestsPerSecond, listingOrder: order))
        try await simulator.start()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-watcher-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = APIClient.Configuration(
            endpoint: try Endpoint.parse(await simulator.endpoint), retry: .none, requestsPerSecond: nil)
        let client = TATClient(
            api: APIClient(
                credentials: TATSimulator.testCredentials, configuration: configuration,
                now: { Date().addingTimeInterval(clientClockOffset) }))
        let harness = Harness(
            simulator: simulator, client: client, directory: directory, store: try SQLiteStore(directory: directory),
            now: TestClock(start: origin))
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try await body(harness)
            await simulator.stop()
        } catch {
            await simulator.stop()
            throw error
        }
    }

    /// A watcher over the shared store and log (a "process": make another one to simulate a restart).
    func watcher(
        _ configuration: Watcher.Configuration = Watcher.Configuration(regions: [region]), sink: RecordingSink? = nil,
        metrics: (any MetricsFactory)? = nil
    ) -> Watcher {
        Watcher(
            configuration: configuration, reader: client, store: store,
            sink: sink ?? RecordingSink(store: store, log: log), now: now.dateSource, metricsFactory: metrics)
    }

    /// Moves the fleet and the watcher's wall clock forward together.
    func advance(seconds: Double) async {
        await simulator.advance(by: .milliseconds(Int64(seconds * 1000)))
        now.advance(by: .seconds(seconds))
    }
}

extension Event {
    /// `type task-or-dash previous→status`, for readable expectations.
    var line: String {
        "\(type.rawValue) \(task?.id ?? "-") \(previousStatus?.rawValue ?? "nil")→\(status)"
    }
}
