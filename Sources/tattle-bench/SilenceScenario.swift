import Events
import Foundation
import Rules
import Store

/// What silences cost the commit path: cycle commits (one event, three notifications) into a file
/// store with no silences (the baseline, same run), with 100 active silences none of which match,
/// and with one that matches every event (its rows are stored silenced).
enum SilenceScenario {
    static func run(commits: Int = 3000) async throws -> [Figure] {
        let baseline = try await commitsPerSecond(commits: commits, silences: [])
        let unmatched = (0..<100).map { index in
            Silence(
                id: "s-\(index)",
                matchers: [SilenceMatcher(field: "invocation.commandName", pattern: "other-\(index)-*")],
                startsAt: Date(timeIntervalSince1970: 0), endsAt: .distantFuture, createdBy: "bench")
        }
        let hundred = try await commitsPerSecond(commits: commits, silences: unmatched)
        let matching = Silence(
            id: "s-all", matchers: [SilenceMatcher(field: "invocation.commandName", pattern: "bench-*")],
            startsAt: Date(timeIntervalSince1970: 0), endsAt: .distantFuture, createdBy: "bench")
        let silenced = try await commitsPerSecond(commits: commits, silences: [matching])
        let note = "\(commits) commits each of one event + 3 notifications, WAL NORMAL, one writer"
        return [
            Figure(
                name: "cycle commits/s with 100 active silences (none match)", value: hundred, unit: "commits/s",
                baseline: baseline, baselineName: "no silences", target: "≥ 80% of baseline",
                met: hundred >= baseline * 0.8, note: note),
            Figure(
                name: "cycle commits/s with a silence matching every event", value: silenced, unit: "commits/s",
                baseline: baseline, baselineName: "no silences", target: "≥ 80% of baseline",
                met: silenced >= baseline * 0.8),
        ]
    }

    static func commitsPerSecond(commits: Int, silences: [Silence]) async throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        defer { try? store.close() }
        for silence in silences { try await store.addSilence(silence) }
        let start = Date(timeIntervalSince1970: 1_764_400_000)
        let clock = ContinuousClock()
        let began = clock.now
        for index in 0..<commits {
            let event = Event(
                id: "evt-\(index)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: start,
                previousStatus: "RUNNING", status: "FAILED",
                invocation: InvocationInfo(id: "inv-\(index)", commandName: "bench-\(index % 10)", status: "FAILED"))
            try await store.commit(
                CycleCommit(
                    region: "ap-guangzhou", events: [event],
                    dispatches: ["ops", "mail", "audit"].map {
                        Dispatch(eventId: event.id, receiver: $0, rule: "r", notBefore: start)
                    }))
        }
        let seconds = (clock.now - began).seconds
        let silencedRows = try await store.stats(now: start).silenced
        guard silencedRows == (silences.contains { $0.id == "s-all" } ? commits * 3 : 0) else {
            throw StoreError.invalidArgument("silences applied to \(silencedRows) rows, not as expected")
        }
        return Double(commits) / seconds
    }
}
