import Events
import Foundation
import Outbox
import Rules
import Store
import TestSupport
import Testing

@Suite("Silences in the state database")
struct SilenceTests {
    @Test(
        "Add, look up, list active and all, expire: the store API the CLI and admin API share",
        arguments: Backend.allCases)
    func lifecycle(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let web = try silence("s-web", "invocation.commandName=deploy-web", from: t0, hours: 2)
            let later = try silence("s-later", "region=ap-*", from: t0 + 3600, hours: 1)
            let over = try silence("s-over", "status=FAILED", from: t0 - 7200, hours: 1)
            for item in [web, later, over] { try await store.addSilence(item) }

            #expect(try await store.silence(id: "s-web") == web)
            #expect(try await store.silence(id: "nope") == nil)
            #expect(try await store.activeSilences(at: t0).map(\.id) == ["s-web"])
            #expect(try await store.activeSilences(at: t0 + 3600).map(\.id) == ["s-later", "s-web"])
            #expect(try await store.allSilences(limit: 10).map(\.id) == ["s-later", "s-web", "s-over"])
            #expect(try await store.allSilences(limit: 1).map(\.id) == ["s-later"])

            let expired = try #require(try await store.expireSilence(id: "s-web", at: t0 + 60))
            #expect(expired.endsAt == t0 + 60)
            #expect(expired.startsAt == t0)
            #expect(try await store.activeSilences(at: t0 + 60).isEmpty)
            // Expiring again, or an ended silence, changes nothing; an unknown id answers nil.
            #expect(try await store.expireSilence(id: "s-web", at: t0 + 600) == expired)
            #expect(try await store.expireSilence(id: "s-over", at: t0) == over)
            #expect(try await store.expireSilence(id: "nope", at: t0) == nil)
            // A silence that has not started ends before it begins.
            let unstarted = try #require(try await store.expireSilence(id: "s-later", at: t0 + 10))
            #expect(unstarted.startsAt == t0 + 10 && unstarted.endsAt == t0 + 10)
            #expect(!unstarted.isActive(at: t0 + 10))
        }
    }

    @Test(
        "Invalid silences and duplicate ids are refused with a message, and nothing is stored",
        arguments: Backend.allCases)
    func refusals(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.addSilence(try silence("s-1", "status=FAILED", from: t0, hours: 1))
            await #expect(throws: StoreError.self) {
                try await store.addSilence(try silence("s-1", "status=TIMEOUT", from: t0, hours: 1))
            }
            let noMatchers = Silence(id: "s-2", matchers: [], startsAt: t0, endsAt: t0 + 60, createdBy: "ops")
            let backwards = try silence("s-3", "status=FAILED", from: t0, hours: -1)
            let unknownField = Silence(
                id: "s-4", matchers: [SilenceMatcher(field: "invocation.comandName", pattern: "x")], startsAt: t0,
                endsAt: t0 + 60, createdBy: "ops")
            for bad in [noMatchers, backwards, unknownField] {
                await #expect(throws: SilenceError.self) { try await store.addSilence(bad) }
            }
            #expect(try await store.allSilences(limit: 10).map(\.id) == ["s-1"])
        }
    }

    @Test(
        "A commit stores matching notifications as silenced, others pending; silenced rows are never claimed",
        arguments: Backend.allCases)
    func commitTime(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.addSilence(try silence("s-web", "invocation.commandName=deploy-w*", from: t0, hours: 2))
            try await store.commit(
                CycleCommit(
                    region: "ap-guangzhou", events: [event("evt-web", command: "deploy-web"), event("evt-api")],
                    dispatches: [
                        dispatch("evt-web"), dispatch("evt-web", to: "mail"), dispatch("evt-api"),
                    ]))

            let silenced = try await store.rows(in: [.silenced], limit: 10)
            #expect(Set(silenced.map(\.dispatch.receiver)) == ["ops", "mail"])
            #expect(silenced.allSatisfy { $0.silenceId == "s-web" && $0.dispatch.eventId == "evt-web" })
            let claimed = try await store.claimDue(now: t0 + 86_400, limit: 10)
            #expect(claimed.map(\.dispatch.eventId) == ["evt-api"])
            #expect(claimed.first?.silenceId == nil)
            #expect(try await store.replay(ids: nil, now: t0) == 0)
            let stats = try await store.stats(now: t0)
            #expect(stats.silenced == 2 && stats.inFlight == 1 && stats.pending == 0)
            // Re-detected after a crash: the silenced pair is not queued again.
            try await store.expireSilence(id: "s-web", at: t0)
            try await store.commit(
                CycleCommit(
                    region: "ap-guangzhou", events: [event("evt-web", command: "deploy-web")],
                    dispatches: [dispatch("evt-web")]))
            #expect(try await store.claimDue(now: t0 + 86_400, limit: 10).isEmpty)
        }
    }

    @Test("A silence stops applying when it runs out or is expired, with no restart", arguments: Backend.allCases)
    func expiryWithoutRestart(_ backend: Backend) async throws {
        let clock = TestClock(start: t0)
        try await backend.withStore(now: { clock.date }) { store in
            try await store.addSilence(try silence("s-short", "status=FAILED", from: t0, hours: 1))
            try await store.addSilence(try silence("s-api", "invocation.id=inv-api", from: t0, hours: 10))

            try await enqueue(store, ["evt-1"])
            clock.advance(to: t0 + 3600)  // s-short has run out
            try await enqueue(store, ["evt-2"])
            try await store.commit(
                CycleCommit(
                    region: "r", events: [event("evt-3", invocation: "inv-api")], dispatches: [dispatch("evt-3")]))
            try await store.expireSilence(id: "s-api", at: clock.date)
            try await store.commit(
                CycleCommit(
                    region: "r", events: [event("evt-4", invocation: "inv-api")], dispatches: [dispatch("evt-4")]))

            let rows = try await store.rows(in: Set(DeliveryState.allCases), limit: 10)
            let states = Dictionary(uniqueKeysWithValues: rows.map { ($0.dispatch.eventId, $0.state) })
            #expect(states == ["evt-1": .silenced, "evt-2": .pending, "evt-3": .silenced, "evt-4": .pending])
        }
    }

    @Test("Silences survive a restart and keep applying")
    func restart() async throws {
        let dir = try TemporaryDirectory()
        var store = try SQLiteStore(directory: dir.url, configuration: .init(now: { t0 }))
        let web = try silence("s-web", "invocation.commandName=deploy", from: t0 - 60, hours: 2, comment: "rollout 42")
        try await store.addSilence(web)
        try store.close()

        store = try SQLiteStore(directory: dir.url, configuration: .init(now: { t0 }))
        #expect(try await store.activeSilences(at: t0) == [web])
        try await enqueue(store, ["evt-1"])
        #expect(try await store.rows(in: [.silenced], limit: 10).map(\.silenceId) == ["s-web"])
        try store.close()
    }

    @Test("A silence added or expired by another process (the CLI) applies at the daemon's next commit")
    func otherProcess() async throws {
        let dir = try TemporaryDirectory()
        let daemon = try SQLiteStore(directory: dir.url, configuration: .init(now: { t0 }))
        let cli = try SQLiteStore(directory: dir.url, configuration: .init(now: { t0 }))
        try await enqueue(daemon, ["evt-1"])  // caches "no silences"
        try await cli.addSilence(try silence("s-1", "status=FAILED", from: t0 - 60, hours: 1))
        try await enqueue(daemon, ["evt-2"])
        try await cli.expireSilence(id: "s-1", at: t0)
        try await enqueue(daemon, ["evt-3"])
        try await cli.addSilence(try silence("s-2", "status=FAILED", from: t0 - 1, hours: 1))
        try await enqueue(daemon, ["evt-4"])
        let rows = try await daemon.rows(in: Set(DeliveryState.allCases), limit: 10)
        let states = Dictionary(uniqueKeysWithValues: rows.map { ($0.dispatch.eventId, $0.silenceId ?? "-") })
        #expect(states == ["evt-1": "-", "evt-2": "s-1", "evt-3": "-", "evt-4": "s-2"])
        try cli.close()
        try daemon.close()
    }

    @Test(
        "Pruning removes silenced rows and ended silences older than the retention, keeps the rest",
        arguments: Backend.allCases)
    func pruning(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.addSilence(try silence("s-old", "status=FAILED", from: t0 - 86_400 * 10, hours: 1))
            try await store.addSilence(try silence("s-now", "status=FAILED", from: t0, hours: 1))
            try await enqueue(store, ["evt-1"])
            let result = try await store.prune(before: t0 + 1)
            #expect(result.silencedRows == 1 && result.silences == 1 && result.events == 1)
            #expect(try await store.allSilences(limit: 10).map(\.id) == ["s-now"])
            #expect(try await store.rows(in: [.silenced], limit: 10).isEmpty)
        }
    }

    @Test("A matcher tests the value as text: globs, negation, numbers, absent fields")
    func matching() throws {
        var failed = event("evt-1", command: "deploy-web")
        failed.task = TaskInfo(id: "invt-1", instanceId: "ins-7", status: "FAILED", details: TaskDetails(exitCode: 3))
        let cases: [(String, Bool)] = [
            ("invocation.commandName=deploy-web", true), ("invocation.commandName=deploy-*", true),
            ("invocation.commandName=deploy", false), ("invocation.commandName!=deploy-web", false),
            ("task.exitCode=3", true), ("task.exitCode=4", false), ("isFailure=true", true),
            ("task.errorInfo=*", false), ("task.errorInfo!=*", true), ("region=ap-guang?hou", true),
        ]
        for (text, expected) in cases {
            let matcher = try SilenceMatcher(parsing: text)
            let silence = Silence(matchers: [matcher], startsAt: t0, endsAt: t0 + 1, createdBy: "t")
            #expect(silence.matches(failed) == expected, "\(text)")
        }
        #expect(throws: SilenceError.self) { try SilenceMatcher(parsing: "commandName") }
        #expect(throws: SilenceError.self) { try SilenceMatcher(parsing: "=x") }
        let typo = #expect(throws: SilenceError.self) { try SilenceMatcher(parsing: "invocation.comandName=x") }
        #expect(typo?.message.contains("did you mean \"invocation.commandName\"") == true)
    }
}

/// A silence from `text` matchers (comma-separated), starting at `from`, lasting `hours`.
private func silence(_ id: String, _ text: String, from: Date, hours: Double, comment: String = "") throws -> Silence {
    Silence(
        id: id, matchers: try text.split(separator: ",").map { try SilenceMatcher(parsing: String($0)) },
        startsAt: from,
        endsAt: from + hours * 3600, createdBy: "ops", comment: comment)
}

private func event(_ id: String, invocation: String = "inv-1", command: String) -> Event {
    var value = event(id, invocation: invocation)
    value.invocation.commandName = command
    return value
}
