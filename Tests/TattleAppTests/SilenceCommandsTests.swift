import Events
import Foundation
import Outbox
import Rules
import Store
import TattleApp
import Testing

@Suite("tattle silence and test-rule with silences")
struct SilenceCommandsTests {
    static let t0 = Date(timeIntervalSince1970: 1_764_400_000)

    @Test("add prints the id; list shows active ones as a table or JSON; expire ends them")
    func addListExpire() async throws {
        let store = try SQLiteStore.inMemory()
        let added = try await SilenceCommands.add(
            store: store, matchers: ["invocation.commandName=deploy-*", "status!=SUCCESS"], duration: "1h30m",
            comment: "rollout", author: "alice", now: Self.t0)
        let id = try #require(added.text.split(separator: " ").dropFirst().first.map(String.init))
        #expect(
            added.text
                == "Silence \(id) added: invocation.commandName=deploy-* status!=SUCCESS until 2025-11-29T08:36:40Z.")

        let table = try await SilenceCommands.list(store: store, now: Self.t0 + 60)
        let lines = table.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("ID") && lines[0].contains("MATCHERS") && lines[0].hasSuffix("COMMENT"))
        #expect(
            lines[1].hasPrefix(id) && lines[1].contains("active") && lines[1].contains(" alice ")
                && lines[1].hasSuffix("  rollout"))

        let json = try await SilenceCommands.list(store: store, json: true, now: Self.t0 + 60)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [[String: Any]])
        #expect(items.first?["matchers"] as? [String] == ["invocation.commandName=deploy-*", "status!=SUCCESS"])
        #expect(items.first?["endsAt"] as? String == "2025-11-29T08:36:40Z")
        #expect(items.first?["createdBy"] as? String == "alice")

        let expired = try await SilenceCommands.expire(store: store, ids: [id, "missing"], now: Self.t0 + 120)
        #expect(expired.text == "Silence \(id) expired.\nNo silence missing.")
        #expect(!expired.succeeded)
        #expect(try await SilenceCommands.list(store: store, now: Self.t0 + 120).text == "No active silences.")
        let all = try await SilenceCommands.list(store: store, all: true, now: Self.t0 + 120)
        #expect(all.text.contains(id) && all.text.contains("ended"))
        let again = try await SilenceCommands.expire(store: store, ids: [id], now: Self.t0 + 180)
        #expect(again.succeeded && again.text.contains("had already ended"))
    }

    @Test("deliveries --state silenced lists the suppressed rows with the silence that did it")
    func silencedDeliveries() async throws {
        let store = try SQLiteStore.inMemory(configuration: .init(now: { Self.t0 }))
        try await store.addSilence(
            Silence(
                id: "s-rollout", matchers: [try SilenceMatcher(parsing: "invocation.id=inv-1")], startsAt: Self.t0,
                endsAt: Self.t0 + 60, createdBy: "alice"))
        let events = ["inv-1", "inv-2"].map { id in
            Event(
                id: "evt-\(id)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: Self.t0,
                previousStatus: "RUNNING", status: "FAILED", invocation: InvocationInfo(id: id, status: "FAILED"))
        }
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: events,
                dispatches: events.map {
                    Dispatch(eventId: $0.id, receiver: "ops-wecom", rule: "r", notBefore: Self.t0)
                }))
        let table = try await DeliveriesCommands.list(
            store: store, filter: .silenced, limit: 10, json: false, now: Self.t0)
        let lines = table.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(
            lines[1].contains("silenced") && lines[1].contains("inv-1") && lines[1].hasSuffix("silenced by s-rollout"))
        let all = try await DeliveriesCommands.list(
            store: store, filter: .pending, limit: 10, json: false, now: Self.t0)
        #expect(all.text.contains("inv-2") && !all.text.contains("inv-1"))
    }

    @Test("Bad matchers and durations are refused with a message, nothing stored")
    func refusals() async throws {
        let store = try SQLiteStore.inMemory()
        for (matchers, duration, needle) in [
            (
                ["commandName=x"], "2h",
                "unknown field \"commandName\" in matcher \"commandName=x\" (did you mean \"invocation.commandName\"?)"
            ),
            (["invocation.commandName"], "2h", "not FIELD=VALUE"),
            (["status=FAILED"], "soon", "not a positive duration"),
            (["status=FAILED"], "0s", "not a positive duration"),
            (["status=FAILED"], "400d", "longer than a year"),
        ] {
            await #expect {
                try await SilenceCommands.add(store: store, matchers: matchers, duration: duration, now: Self.t0)
            } throws: { error in
                (error as? SilenceError)?.message.contains(needle) == true
            }
        }
        #expect(try await store.allSilences(limit: 10).isEmpty)
    }

    @Test("test-rule says which silence would apply")
    func testRuleShowsTheSilence() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let silence = Silence(
            id: "s-rollout", matchers: [try SilenceMatcher(parsing: "invocation.commandName=deploy-*")],
            startsAt: Self.t0, endsAt: Self.t0 + 7200, createdBy: "alice", comment: "rollout 42")
        let output = RulesCommands.testRule(
            rulesPath: root.appendingPathComponent("rules.example.json").path,
            eventPath: root.appendingPathComponent("Examples/events/task-failed.json").path,
            now: ISO8601DateFormatter().date(from: "2026-11-28T10:00:00Z"), silences: [silence],
            resolver: StaticReferenceResolver())
        #expect(
            output.text.contains(
                "Silenced by s-rollout (invocation.commandName=deploy-*, until 2025-11-29T09:06:40Z, by alice: rollout 42): every notification below would be recorded as silenced, not sent."
            ), "\(output.text)")
        let unmatched = Silence(
            id: "s-other", matchers: [try SilenceMatcher(parsing: "region=eu-*")], startsAt: Self.t0,
            endsAt: Self.t0 + 60, createdBy: "bob")
        let none = RulesCommands.testRule(
            rulesPath: root.appendingPathComponent("rules.example.json").path,
            eventPath: root.appendingPathComponent("Examples/events/task-failed.json").path,
            now: ISO8601DateFormatter().date(from: "2026-11-28T10:00:00Z"), silences: [unmatched],
            resolver: StaticReferenceResolver())
        #expect(none.text.contains("None of the 1 active silences matches."))
    }
}
