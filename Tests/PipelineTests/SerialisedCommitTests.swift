import Events
import Foundation
import Logging
import Outbox
import Pipeline
import Rules
import Store
import Synchronization
import Testing
import Watcher

/// A store whose first commit waits inside `commit` until the test opens the gate: the moment another
/// region's commit could run against noise memory the first one is about to change.
final class GatedStore: StateStore {
    let inner: SQLiteStore
    private let state = Mutex<(entered: Bool, open: Bool, waiter: CheckedContinuation<Void, Never>?)>(
        (false, false, nil))
    let commits = Mutex<[CycleCommit]>([])

    init(_ inner: SQLiteStore) { self.inner = inner }

    var entered: Bool { state.withLock { $0.entered } }

    func open() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.open = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func commit(_ commit: CycleCommit) async throws {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                state.entered = true
                if state.open { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        try await inner.commit(commit)
        commits.withLock { $0.append(commit) }
    }

    func loadSnapshot(region: String) async throws -> [InvocationState]? {
        try await inner.loadSnapshot(region: region)
    }
    func loadNoiseMemory() async throws -> InMemoryNoiseMemory { try await inner.loadNoiseMemory() }
}

@Suite("Rules commit sink: serialised commits", .timeLimit(.minutes(1)))
struct SerialisedCommitTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_400_000)
    static let rules = """
        {
          "version": 1,
          "receivers": { "hook": { "type": "webhook", "format": "event", "url": "http://127.0.0.1:9/hook" } },
          "rules": [
            { "name": "deploy-failed",
              "match": { "type": "invocation.status_changed", "status": "FAILED" },
              "receivers": ["hook"], "throttle": "10m", "groupBy": ["invocation.commandName"] }
          ]
        }
        """

    static func failure(region: String, invocation: String) -> Diff {
        let event = Event(
            id: EventID.make(
                type: .invocationStatusChanged, region: region, invocationId: invocation, taskId: nil,
                previousStatus: "RUNNING", status: "FAILED"),
            type: .invocationStatusChanged, region: region, detectedAt: t0, previousStatus: "RUNNING",
            status: "FAILED", invocation: InvocationInfo(id: invocation, status: "FAILED", metadata: InvocationMetadata(commandName: "deploy")))
        return Diff(
            events: [event],
            upserts: [InvocationState(id: invocation, status: .failed, statusSince: t0)])
    }

    @Test("two regions, one throttled rule: exactly one message in the window, however the commits interleave")
    func twoRegions() async throws {
        let (ruleSet, diagnostics) = RuleSet.load(data: Data(Self.rules.utf8))
        let rules = try #require(ruleSet, "\(diagnostics)")
        let store = GatedStore(try SQLiteStore.inMemory())
        let sink = RulesCommitSink(
            holder: RulesHolder(engine: RulesEngine(ruleSet: rules)), store: store, memory: InMemoryNoiseMemory(),
            now: { Self.t0 }, logger: Logger(label: "test"), committed: {})

        async let first: Void = sink.commit(
            region: "ap-guangzhou", diff: Self.failure(region: "ap-guangzhou", invocation: "inv-gz"), baseline: false)
        while !store.entered { await Task.yield() }
        // The first commit now sits inside the store. Give the second region every chance to evaluate.
        async let second: Void = sink.commit(
            region: "ap-shanghai", diff: Self.failure(region: "ap-shanghai", invocation: "inv-sh"), baseline: false)
        for _ in 0..<500 { await Task.yield() }
        store.open()
        try await first
        try await second

        let commits = store.commits.withLock { $0 }
        #expect(commits.count == 2, "both regions' snapshots advanced")
        #expect(commits.flatMap(\.dispatches).count == 1, "one message inside the throttle window")
        #expect(commits.first?.region == "ap-guangzhou")
    }
}
