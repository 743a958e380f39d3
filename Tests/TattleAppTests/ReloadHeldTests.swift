import Curl
import Delivery
import Events
import Foundation
import InMemoryLogging
import Logging
import Metrics
import Outbox
import Rules
import Store
@testable import TattleApp
import TestSupport
import Testing

/// The reloader and the held rows of receivers a reload removed: the log line counts them.
@Suite("Reload and held deliveries")
struct ReloadHeldTests {

    static func rules(receiver: String) -> String {
        """
        {"version": 1,
         "receivers": {"\(receiver)": {"type": "webhook", "url": "http://127.0.0.1:9/hook"}},
         "rules": [{"name": "failures", "match": {}, "receivers": ["\(receiver)"]}]}
        """
    }

    @Test("Renamed away: the reload line says how many rows are held; renamed back: they resume")
    func reloadLineCountsHeldRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("rules.json")
        try Self.rules(receiver: "opps").write(to: file, atomically: true, encoding: .utf8)

        let store = try SQLiteStore.inMemory()
        let now = Date()
        let events = (1...2).map { n in
            Event(
                id: "evt_\(n)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: now,
                previousStatus: "RUNNING", status: "FAILED", invocation: InvocationInfo(id: "inv-\(n)", status: "FAILED"))
        }
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: events,
                dispatches: events.map { Dispatch(eventId: $0.id, receiver: "ops", rule: "failures", notBefore: now) }))
        let holder = RulesHolder(
            engine: RulesEngine(ruleSet: try #require(RuleSet.load(data: Data(Self.rules(receiver: "opps").utf8)).0)))
        let client = CurlClient()
        defer { client.shutdown() }
        let dispatcher = Dispatcher(
            store: store, transport: CurlTransport(client: client), receiverLookup: { holder.current.ruleSet.receivers[$0] },
            render: { batch, receiver in
                try holder.current.render(rule: batch.rule, receiver: receiver.name, events: batch.events, isRecovery: false)
            })
        try await dispatcher.deliverDue()
        #expect(try await store.stats(now: Date()).held == 2)

        let logs = InMemoryLogHandler.capturingAll()
        let logger = Logger(label: "test") { _ in logs }
        let reloader = RulesReloader(
            file: file, holder: holder, logger: logger, afterApply: { await Daemon.heldLine(dispatcher.reconcileHeld()) })
        await reloader.reload(trigger: "SIGHUP", success: Gauge(label: "t1"), timestamp: Gauge(label: "t2"))
        try Self.rules(receiver: "ops").write(to: file, atomically: true, encoding: .utf8)
        await reloader.reload(trigger: "file change", success: Gauge(label: "t1"), timestamp: Gauge(label: "t2"))

        #expect(
            logs.messages == [
                "rules reloaded (SIGHUP): 1 rules, 1 receivers; 2 deliveries held for receivers not in the rules file, 0 resumed",
                "rules reloaded (file change): 1 rules, 1 receivers; 0 deliveries held for receivers not in the rules file, 2 resumed",
            ])
        let stats = try await store.stats(now: Date())
        #expect(stats.held == 0 && stats.pending == 2)
    }
}
