import Events
import Foundation
import Outbox
import Rules
import Store
import Timekeeping

/// What silences cost the commit path: cycle commits (one event, three notifications) into a file
/// store with no silences (the baseline, same run), with 5 and with 100 active silences none of
/// which match, and with one that matches every event (its rows are stored silenced).
enum SilenceScenario {
    /// The three configurations run in interleaved rounds (so load on a shared machine hits them
    /// alike); each figure is the median round.
    static func run(rounds: Int = 7, commitsPerRound: Int = 500) async throws -> [Figure] {
        let always = Date(timeIntervalSince1970: 0)
        let unmatched = (0..<100).map { index in
            Silence(
                id: "s-\(index)",
                matchers: [SilenceMatcher(field: "invocation.commandName", pattern: "other-\(index)-*")],
                startsAt: always, endsAt: .distantFuture, createdBy: "bench")
        }
        let matching = Silence(
            id: "s-all", matchers: [SilenceMatcher(field: "invocation.commandName", pattern: "bench-*")],
            startsAt: always, endsAt: .distantFuture, createdBy: "bench")
        var stores: [Bed] = []
        for silences in [[], unmatched, [matching], Array(unmatched.prefix(5))] {
            stores.append(try await Bed(silences: silences))
        }
        defer { for store in stores { store.close() } }
        var rates: [[Double]] = Array(repeating: [], count: stores.count)
        for round in 0..<rounds {
            for (index, store) in stores.enumerated() {
                rates[index].append(try await store.commits(commitsPerRound, from: round * commitsPerRound))
            }
        }
        let silencedRows = try await stores[2].store.stats(now: Date()).silenced
        guard silencedRows == rounds * commitsPerRound * 3, try await stores[1].store.stats(now: Date()).silenced == 0
        else { throw StoreError.invalidArgument("silences did not apply as expected") }
        let (baseline, hundred, all, five) = (median(rates[0]), median(rates[1]), median(rates[2]), median(rates[3]))
        let note =
            "median of \(rounds) interleaved rounds of \(commitsPerRound) commits, each one event + 3 notifications, "
            + "file store, WAL NORMAL"
        return [
            Figure(
                name: "cycle commits/s with 5 active silences (none match)", value: five, unit: "commits/s",
                baseline: baseline, baselineName: "no silences", target: "≥ 80% of baseline",
                met: five >= baseline * 0.8),
            Figure(
                name: "cycle commits/s with 100 active silences (none match)", value: hundred, unit: "commits/s",
                baseline: baseline, baselineName: "no silences", target: "≥ 80% of baseline",
                met: hundred >= baseline * 0.8, note: note),
            Figure(
                name: "cycle commits/s with a silence matching every event", value: all, unit: "commits/s",
                baseline: baseline, baselineName: "no silences", target: "≥ 80% of baseline",
                met: all >= baseline * 0.8),
        ]
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// One file store with its silences.
    struct Bed {
        let store: SQLiteStore
        let directory: URL

        init(silences: [Silence]) async throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-bench-\(UUID())")
            store = try SQLiteStore(directory: directory)
            for silence in silences { try await store.addSilence(silence) }
        }

        func close() {
            try? store.close()
            try? FileManager.default.removeItem(at: directory)
        }

        /// Commits `count` cycles of one event and three notifications; returns commits per second.
        func commits(_ count: Int, from first: Int) async throws -> Double {
            let start = Date(timeIntervalSince1970: 1_764_400_000)
            let clock = ContinuousClock()
            let began = clock.now
            for index in first..<(first + count) {
                let event = Event(
                    id: "evt-\(index)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: start,
                    previousStatus: "RUNNING", status: "FAILED",
                    invocation: InvocationInfo(
                        id: "inv-\(index)", status: "FAILED",
                        metadata: InvocationMetadata(commandName: "bench-\(index % 10)")
                    )
                )
                try await store.commit(
                    CycleCommit(
                        region: "ap-guangzhou", events: [event],
                        dispatches: ["ops", "mail", "audit"].map {
                            Dispatch(eventId: event.id, receiver: $0, rule: "r", notBefore: start)
                        }))
            }
            return Double(count) / (clock.now - began).seconds
        }
    }
}
