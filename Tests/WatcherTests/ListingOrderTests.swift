import Events
import Foundation
import TATSimulator
import Testing
import Watcher

@Suite("Watcher: any listing order", .serialized, .timeLimit(.minutes(3)))
struct ListingOrderTests {
    static let orders: [ListingOrder] = [.newestFirst, .oldestFirst, .unordered]

    @Test("steady cycles over 10,000 retained (50 active): ≤ ceil(active/100) + 2 calls when ordered", arguments: orders)
    func economy(order: ListingOrder) async throws {
        try await Harness.with(order: order) { h in
            await h.simulator.seedRetained(count: 10_000, active: 50)
            let watcher = h.watcher()
            let baseline = try #require(try await watcher.pollOnce().first)
            #expect(baseline.kind == .baseline)
            #expect(await watcher.pollers[0].trackedCount == 10_050)
            for _ in 0..<2 {
                await h.advance(seconds: 1)
                await h.simulator.resetCounts()
                let steady = try #require(try await watcher.pollOnce().first)
                let calls = await h.simulator.callCount(action: .describeInvocations)
                #expect(calls == steady.apiCalls)
                #expect(await h.simulator.callCount(action: .describeInvocationTasks) == 0)
                #expect(steady.diff.events.allSatisfy { $0.previousStatus != nil }, "nothing is reported as new")
                switch order {
                case .newestFirst:
                    #expect(steady.kind == .incremental)
                    #expect(calls <= 1 + 1, "ceil(50/100) refresh + head")
                case .oldestFirst:
                    #expect(steady.kind == .incremental)
                    #expect(calls <= 1 + 2, "ceil(50/100) refresh + head + tail")
                case .unordered:
                    #expect(steady.kind == .fullResync, "only a full listing is safe")
                    #expect(calls == 1 + 101, "refresh + a full listing that reuses the head page")
                }
            }
            #expect(await watcher.pollers[0].trackedCount == 10_050)
            let learnt = await watcher.pollers[0].listingOrder
            switch order {
            case .newestFirst: #expect(learnt == .newestFirst)
            case .oldestFirst: #expect(learnt == .oldestFirst)
            case .unordered: #expect(learnt == .unordered)
            }
        }
    }

    @Test("new invocations among 2,000 retained are reported once, in the next cycle", arguments: orders)
    func discovery(order: ListingOrder) async throws {
        try await Harness.with(order: order) { h in
            await h.simulator.seedRetained(count: 2_000, active: 0)
            let watcher = h.watcher()
            try await watcher.pollOnce()
            var created: [String] = []
            for round in 0..<3 {
                for _ in 0..<(round + 1) { created.append(await h.simulator.addInvocation().invocationId) }
                await h.advance(seconds: 1)
                try await watcher.pollOnce()
                let reported = h.log.events.filter { $0.type == .invocationStatusChanged && $0.previousStatus == nil }.map(
                \.invocation.id)
                #expect(Set(reported) == Set(created), "round \(round): all new so far, and only those")
                #expect(reported.count == created.count, "each once")
            }
        }
    }

    @Test("more new invocations than the page cap: continued next cycle from where it stopped, each once", arguments: orders)
    func pageCap(order: ListingOrder) async throws {
        try await Harness.with(order: order) { h in
            var configuration = Watcher.Configuration(regions: [Harness.region])
            configuration.maxDiscoveryPages = 2
            let watcher = h.watcher(configuration)
            await h.simulator.seedRetained(count: 120, active: 0)
            try await watcher.pollOnce()
            var created = Set<String>()
            for _ in 0..<450 { created.insert(await h.simulator.addInvocation().invocationId) }
            var newPerCycle: [Int] = []
            for _ in 0..<4 {
                let report = try #require(try await watcher.pollOnce().first)
                newPerCycle.append(report.diff.events.filter { $0.previousStatus == nil }.count)
            }
            // Two pages per cycle past the head (newest first) or past the tail check (oldest first).
            #expect(newPerCycle == (order == .unordered ? [450, 0, 0, 0] : [200, 200, 50, 0]))
            let reported = h.log.events.filter { $0.type == .invocationStatusChanged }.map(\.invocation.id)
            #expect(reported.count == 450)
            #expect(Set(reported) == created)
            #expect(await watcher.pollers[0].trackedCount == 570)
        }
    }

    @Test("the order is learnt again every cycle: a listing that changes order is still followed")
    func orderChanges() async throws {
        try await Harness.with(order: .newestFirst) { h in
            await h.simulator.seedRetained(count: 500, active: 0)
            let watcher = h.watcher()
            try await watcher.pollOnce()
            var created = Set<String>()
            for order in [ListingOrder.oldestFirst, .unordered, .newestFirst, .oldestFirst] {
                await h.simulator.setListingOrder(order)
                created.insert(await h.simulator.addInvocation().invocationId)
                await h.advance(seconds: 1)
                try await watcher.pollOnce()
            }
            let reported = h.log.events.filter { $0.type == .invocationStatusChanged && $0.previousStatus == nil }.map(
                \.invocation.id)
            #expect(Set(reported) == created)
            #expect(reported.count == created.count)
            #expect(await watcher.pollers[0].listingOrder == .oldestFirst)
        }
    }
}

@Suite("Watcher: learning the listing order")
struct ListingOrderLearningTests {
    static func row(_ id: String, _ seconds: Double?) -> ObservedInvocation {
        ObservedInvocation(
            id: id, status: .success,
            metadata: InvocationMetadata(createdTime: seconds.map { Date(timeIntervalSince1970: $0) })
        )
    }

    @Test(
        "CreatedTime (ties by id) decides the order",
        arguments: [
            ([("a", 3.0), ("b", 2.0), ("c", 1.0)], Watcher.ListingOrder.newestFirst),
            ([("a", 1.0), ("b", 2.0), ("c", 3.0)], .oldestFirst),
            ([("b", 1.0), ("a", 1.0)], .newestFirst),
            ([("a", 1.0), ("b", 1.0)], .oldestFirst),
            ([("a", 1.0), ("b", 3.0), ("c", 2.0)], .unordered),
        ] as [([(String, Double)], Watcher.ListingOrder)])
    func learnt(rows: [(String, Double)], order: Watcher.ListingOrder) {
        #expect(Watcher.ListingOrder.of(rows.map { Self.row($0.0, $0.1) }) == order)
    }

    @Test("one row says nothing; a row without CreatedTime makes the listing unordered")
    func undecided() {
        #expect(Watcher.ListingOrder.of([Self.row("a", 1)]) == nil)
        #expect(Watcher.ListingOrder.of([]) == nil)
        #expect(Watcher.ListingOrder.of([Self.row("a", 1), Self.row("b", nil)]) == .unordered)
    }
}
