import Events
import Foundation
import Outbox
import Rules
// Store comes in through TattleApp; the tests build the database the commands read.
import Store
import TattleApp
import Testing

@Suite("tattle deliveries / replay")
struct DeliveriesCommandsTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_400_000)

    /// Three rows: one delivered, one dead, one retrying.
    private func populatedStore() async throws -> (SQLiteStore, [Int64]) {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { Self.t0 }))
        let events = (1...3).map { index in
            Event(
                id: "evt-\(index)", type: index == 3 ? .taskStatusChanged : .invocationStatusChanged,
                region: "ap-guangzhou", detectedAt: Self.t0, previousStatus: "RUNNING", status: "FAILED",
                invocation: InvocationInfo(id: "inv-\(index)", status: "FAILED"),
                task: index == 3 ? TaskInfo(id: "invt-3", instanceId: "ins-3", status: "FAILED") : nil)
        }
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: events,
                dispatches: events.map {
                    Dispatch(eventId: $0.id, receiver: "ops-wecom", rule: "failures", notBefore: Self.t0)
                }))
        let ids = try await store.claimDue(now: Self.t0, limit: 10).map(\.id)
        try await store.markDelivered(ids: [ids[0]], at: Self.t0)
        try await store.markDead(
            ids: [ids[1]], error: "HTTP 200 errcode 93000: invalid webhook\nsecond line", responseExcerpt: nil)
        try await store.scheduleRetry(ids: [ids[2]], at: Self.t0 + 300, error: "HTTP 503", responseExcerpt: nil)
        return (store, ids)
    }

    @Test("The table shows state, receiver name, event, attempts and timing, one line per row")
    func table() async throws {
        let (store, ids) = try await populatedStore()
        let output = try await DeliveriesCommands.list(
            store: store, filter: .all, limit: 10, json: false, now: Self.t0 + 60)
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("ID"))
        #expect(lines[1].hasPrefix("\(ids[2])"))
        #expect(lines[1].contains("retrying"))
        #expect(lines[1].contains("task.status_changed inv-3/invt-3 RUNNING→FAILED"))
        #expect(lines[1].contains("in 4m"))
        #expect(lines[2].contains("dead") && lines[2].contains("invalid webhook second line"))
        #expect(lines[3].contains("delivered") && lines[3].contains("1m ago"))
        #expect(!output.text.contains("http://") && !output.text.contains("https://"))

        let retrying = try await DeliveriesCommands.list(
            store: store, filter: .retrying, limit: 10, json: false, now: Self.t0)
        #expect(retrying.text.split(separator: "\n").count == 2)
        let none = try await DeliveriesCommands.list(store: store, filter: .pending, limit: 0, json: false)
        #expect(none.text == "No pending deliveries.")
    }

    @Test("--state held lists rows kept for a receiver the rules file no longer has")
    func held() async throws {
        let (store, ids) = try await populatedStore()
        _ = try await store.claimDue(now: Self.t0 + 300, limit: 10)
        try await store.hold(ids: [ids[2]], reason: "receiver ops-wecom is not in the rules file: held until it returns")
        let output = try await DeliveriesCommands.list(store: store, filter: .held, limit: 10, json: false, now: Self.t0)
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[1].hasPrefix("\(ids[2])") && lines[1].contains("held") && lines[1].contains("ops-wecom"))
        #expect(try await DeliveriesCommands.list(store: store, filter: .pending, limit: 10, json: false).text
            == "No pending deliveries.")
    }

    @Test("--json prints an array of rows with stable field names")
    func json() async throws {
        let (store, ids) = try await populatedStore()
        let output = try await DeliveriesCommands.list(store: store, filter: .dead, limit: 10, json: true)
        let decoded = try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [[String: Any]]
        let row = try #require(decoded?.first)
        #expect(decoded?.count == 1)
        #expect(row["id"] as? Int == Int(ids[1]))
        #expect(row["state"] as? String == "dead")
        #expect(row["receiver"] as? String == "ops-wecom")
        #expect(row["idempotencyKey"] as? String == "evt-2:ops-wecom")
        #expect(row["invocationId"] as? String == "inv-2")
    }

    @Test("replay re-queues dead rows and reports ids it skipped")
    func replay() async throws {
        let (store, ids) = try await populatedStore()
        let partial = try await DeliveriesCommands.replay(store: store, ids: [ids[1], ids[0], 999], now: Self.t0)
        #expect(!partial.succeeded)
        #expect(partial.text.contains("Re-queued 1 dead delivery."))
        #expect(partial.text.contains("Skipped \(ids[0]): it is delivered, not dead"))
        #expect(partial.text.contains("Skipped 999: no such delivery"))
        #expect(try await store.rows(in: [.dead], limit: 10).isEmpty)

        try await store.markDead(ids: [ids[2]], error: "gave up", responseExcerpt: nil)
        let all = try await DeliveriesCommands.replay(store: store, ids: nil, now: Self.t0)
        #expect(all == DeliveriesCommands.Output(text: "Re-queued 1 dead delivery."))
    }

    @Test("A missing state directory is an error, not an empty outbox")
    func missingDirectory() throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-none-\(UUID().uuidString)")
        #expect(throws: StoreError.self) { _ = try DeliveriesCommands.openStore(directory: nowhere) }
        #expect(!FileManager.default.fileExists(atPath: nowhere.path))
    }
}
