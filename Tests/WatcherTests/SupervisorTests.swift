import Events
import Foundation
import MetricsTestKit
import Store
import TATSimulator
import TestSupport
import Testing
import Watcher

@Suite("Watcher: watch units and the supervisor", .timeLimit(.minutes(2)))
struct SupervisorTests {
    @Test(
        "a unit's store key is the bare region for the default account and account/region otherwise",
        arguments: [
            (WatchUnit(region: "ap-guangzhou"), "ap-guangzhou"),
            (WatchUnit(account: "prod", region: "ap-guangzhou"), "prod/ap-guangzhou"),
            (WatchUnit(account: "staging-2", region: "na-ashburn"), "staging-2/na-ashburn"),
        ])
    func keys(unit: WatchUnit, key: String) {
        #expect(unit.key == key)
        #expect(WatchUnit(key: key) == unit)
    }

    @Test("keys that name no unit are refused", arguments: ["", "/ap-guangzhou", "prod/", "default/ap-guangzhou"])
    func badKeys(key: String) {
        #expect(WatchUnit(key: key) == nil)
    }

    @Test("reconcile starts new units and stops removed ones; events carry the account, ids scoped to it")
    func reconcile() async throws {
        try await Harness.with { h in
            await h.simulator.addInvocation(InvocationSpec(tasks: [.init(plan: TaskStep.failing())]))
            let plain = WatchUnit(region: Harness.region)
            let prod = WatchUnit(account: "prod", region: Harness.region)
            let supervisor = WatchSupervisor(
                configuration: Watcher.Configuration(interval: .seconds(3600), backfill: .seconds(86_400)),
                reader: { _ in h.client }, store: h.store, sink: RecordingSink(store: h.store, log: h.log),
                now: h.now.dateSource)
            let running = Task { await supervisor.run() }

            let first = await supervisor.reconcile(to: [prod, plain])
            #expect(first.started == [plain, prod])
            #expect(supervisor.units == [plain, prod])
            while supervisor.lastSuccessfulPoll == nil { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await h.store.loadSnapshot(region: "ap-guangzhou") != nil)
            #expect(try await h.store.loadSnapshot(region: "prod/ap-guangzhou") != nil)

            // Both units see the same simulated fleet: same changes, different accounts and ids.
            let events = h.log.events
            let byAccount = Dictionary(grouping: events, by: { $0.account ?? "nil" })
            #expect(Set(byAccount.keys) == ["default", "prod"])
            let plainEvents = try #require(byAccount["default"])
            let prodEvents = try #require(byAccount["prod"])
            #expect(plainEvents.map(\.line) == prodEvents.map(\.line))
            #expect(Set(plainEvents.map(\.id)).isDisjoint(with: prodEvents.map(\.id)))
            let unscoped = plainEvents.map { EventID.scoped($0.id, account: "prod") }
            #expect(unscoped == prodEvents.map(\.id))

            let second = await supervisor.reconcile(to: [prod])
            #expect(second.stopped == [plain])
            #expect(second.started.isEmpty)
            #expect(supervisor.units == [prod])
            let third = await supervisor.reconcile(to: [prod])
            #expect(third == WatchSupervisor.Change())

            running.cancel()
            await running.value
            #expect(supervisor.units.isEmpty)
            #expect(
                await supervisor.reconcile(to: [plain]) == WatchSupervisor.Change(), "nothing starts after shutdown")
            #expect(supervisor.units.isEmpty)
        }
    }

    @Test("a unit without a reader is reported unavailable and not started")
    func unavailable() async throws {
        try await Harness.with { h in
            let broken = WatchUnit(account: "broken", region: Harness.region)
            let supervisor = WatchSupervisor(
                configuration: Watcher.Configuration(interval: .seconds(3600)),
                reader: { $0 == broken ? nil : h.client }, store: h.store,
                sink: RecordingSink(store: h.store, log: h.log), now: h.now.dateSource)
            let change = await supervisor.reconcile(to: [broken, WatchUnit(region: Harness.region)])
            #expect(change.unavailable == [broken])
            #expect(supervisor.units == [WatchUnit(region: Harness.region)])
            await supervisor.stopAll()
            #expect(supervisor.units.isEmpty)
        }
    }

    @Test("a named account's metrics carry account next to region; the default account's keep their labels")
    func metricLabels() async throws {
        try await Harness.with { h in
            let metrics = TestMetrics()
            let supervisor = WatchSupervisor(
                configuration: Watcher.Configuration(interval: .seconds(3600)), reader: { _ in h.client },
                store: h.store, sink: RecordingSink(store: h.store, log: h.log), now: h.now.dateSource,
                metricsFactory: metrics)
            await supervisor.reconcile(to: [
                WatchUnit(region: Harness.region), WatchUnit(account: "prod", region: Harness.region),
            ])
            while supervisor.lastSuccessfulPoll == nil { try await Task.sleep(for: .milliseconds(10)) }
            await supervisor.stopAll()
            _ = try metrics.expectGauge("tattle_tracked_invocations", [("region", Harness.region)])
            _ = try metrics.expectGauge(
                "tattle_tracked_invocations", [("region", Harness.region), ("account", "prod")])
            #expect(
                metrics.counterTotal(
                    label: "tattle_poll_cycles_total",
                    dimensions: [("region", Harness.region), ("account", "prod"), ("outcome", "success")]) == 1)
        }
    }
}
