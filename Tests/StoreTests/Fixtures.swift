import Events
import Foundation
import Outbox
import Rules
import Store

/// A fixed instant with a whole number of seconds, so stored times compare exactly.
let t0 = Date(timeIntervalSince1970: 1_764_400_000)

func event(_ id: String, invocation: String = "inv-1", status: String = "FAILED", at: Date = t0) -> Event {
    Event(
        id: id, type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: at, previousStatus: "RUNNING",
        status: EventStatus(rawValue: status, for: .invocationStatusChanged),
        invocation: InvocationInfo(
            id: invocation, status: InvocationStatus(rawValue: status),
            metadata: InvocationMetadata(commandName: "deploy"), instanceCount: 2
        ))
}

func dispatch(
    _ eventId: String, to receiver: String = "ops", rule: String = "failures", group: String = "",
    notBefore: Date = t0
) -> Dispatch {
    Dispatch(eventId: eventId, receiver: receiver, rule: rule, groupKey: group, notBefore: notBefore)
}

func invocation(_ id: String, status: String = "RUNNING", tasks: Int = 2) -> InvocationState {
    InvocationState(
        id: id, status: InvocationStatus(rawValue: status), statusSince: t0, timeout: 60,
        createdTime: t0.addingTimeInterval(-30),
        tasks: (0..<tasks).map { index in
            TaskState(
                id: "invt-\(id)-\(index)", instanceId: "ins-\(index)", status: .running,
                statusSince: t0.addingTimeInterval(Double(index)), stuckFired: index == 1)
        })
}

/// Commits one event per id with one dispatch each to `receiver`.
func enqueue(
    _ store: any StateDatabase, _ ids: [String], to receiver: String = "ops", group: String = "", notBefore: Date = t0
) async throws {
    try await store.commit(
        CycleCommit(
            region: "ap-guangzhou", events: ids.map { event($0) },
            dispatches: ids.map { dispatch($0, to: receiver, group: group, notBefore: notBefore) }))
}

/// A fresh, empty directory under the temporary directory, removed by the caller with `cleanUp`.
struct TemporaryDirectory: ~Copyable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-store-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

extension SQLiteStore {
    /// A store whose bookkeeping clock reads `t0`.
    static func testStore() throws -> SQLiteStore {
        try inMemory(configuration: Configuration(now: { t0 }))
    }
}
