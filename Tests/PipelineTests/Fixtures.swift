import Events
import Foundation
import Logging
import Outbox
import Pipeline
import Rules
import Store
import Synchronization

/// A fixed instant with a whole number of seconds, so stored times compare exactly.
let t0 = Date(timeIntervalSince1970: 1_795_000_000)

/// A rules engine over one webhook receiver `hook` and the given rules (a JSON array).
func engine(_ rules: String) throws -> RulesEngine {
    let text = """
        {"version": 1, "receivers": {"hook": {"type": "webhook", "url": "https://hooks.example.com/x"}},
         "rules": \(rules)}
        """
    let (ruleSet, diagnostics) = RuleSet.load(data: Data(text.utf8))
    guard let ruleSet else { throw FixtureError("rules do not load: \(diagnostics)") }
    return RulesEngine(ruleSet: ruleSet)
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// An invocation that went RUNNING → `status` in `region`, with its snapshot row.
func failure(
    _ invocationId: String, region: String = "ap-guangzhou", command: String = "deploy", status: String = "FAILED"
) -> (event: Event, state: InvocationState) {
    let id = EventID.make(
        type: .invocationStatusChanged, region: region, invocationId: invocationId, taskId: nil,
        previousStatus: "RUNNING", status: status)
    let event = Event(
        id: id, type: .invocationStatusChanged, region: region, detectedAt: t0, previousStatus: "RUNNING",
        status: EventStatus(rawValue: status, for: .invocationStatusChanged),
        invocation: InvocationInfo(
            id: invocationId, status: InvocationStatus(rawValue: status),
            metadata: InvocationMetadata(commandName: command), instanceCount: 1
        ))
    let state = InvocationState(
        id: invocationId, status: InvocationStatus(rawValue: status), statusSince: t0, timeout: 60,
        createdTime: t0.addingTimeInterval(-30), tasks: [])
    return (event, state)
}

/// A diff of the given changes (events and their snapshot rows).
func diff(_ changes: [(event: Event, state: InvocationState)]) -> Diff {
    Diff(events: changes.map(\.event), upserts: changes.map(\.state))
}

/// Counts the sink's wake-ups.
final class WakeCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func wake() { count.withLock { $0 += 1 } }
}

/// A sink over `store` with a fixed clock and a silent logger.
func sink(
    _ engine: RulesEngine, store: any StateStore, memory: InMemoryNoiseMemory = InMemoryNoiseMemory(),
    wakes: WakeCounter = WakeCounter()
) -> RulesCommitSink {
    RulesCommitSink(
        holder: RulesHolder(engine: engine), store: store, memory: memory, now: { t0 },
        logger: Logger(label: "test.sink", factory: { _ in SwiftLogNoOpLogHandler() }),
        committed: { wakes.wake() })
}

/// A ``StateStore`` over a real one whose next `failures` commits throw (a full disk, a lost lock).
final class FlakyStore: StateStore {
    let base: SQLiteStore
    private let failures: Mutex<Int>

    init(base: SQLiteStore, failures: Int) {
        self.base = base
        self.failures = Mutex(failures)
    }

    func loadSnapshot(region: String) async throws -> [InvocationState]? { try await base.loadSnapshot(region: region) }
    func loadNoiseMemory() async throws -> InMemoryNoiseMemory { try await base.loadNoiseMemory() }
    func commit(_ commit: CycleCommit) async throws {
        let fail = failures.withLock { remaining in
            defer { remaining = max(0, remaining - 1) }
            return remaining > 0
        }
        if fail { throw FixtureError("injected commit failure") }
        try await base.commit(commit)
    }
}
