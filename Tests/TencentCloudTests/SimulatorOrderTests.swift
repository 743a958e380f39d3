import Foundation
import Logging
import TATSimulator
import TencentCloud
import Testing

/// The simulator's listing orders and per-record faults, which the watcher's order and quarantine
/// tests rely on.
@Suite("TATSimulator listing order and record faults", .timeLimit(.minutes(1)))
struct SimulatorOrderTests {
    /// Every row of a full listing, paged 100 at a time.
    static func listAll(_ caller: SimulatorCaller) async throws -> [Invocation] {
        var rows: [Invocation] = []
        var offset = 0
        while true {
            let page = try await caller.invocations(#"{"Limit":100,"Offset":\#(offset)}"#)
            rows += page.invocationSet
            offset += page.invocationSet.count
            if page.invocationSet.isEmpty || offset >= page.totalCount { return rows }
        }
    }

    @Test("each order lists every invocation once; newest and oldest are monotonic in CreatedTime, unordered is not",
        arguments: ListingOrder.allCases)
    func orders(order: ListingOrder) async throws {
        try await withSimulator(.init(listingOrder: order)) { sim, caller in
            await sim.seedRetained(count: 250, active: 5)
            let rows = try await Self.listAll(caller)
            #expect(rows.count == 255)
            #expect(Set(rows.compactMap(\.invocationId)).count == 255)
            let keys = rows.map { ($0.createdTime ?? .distantPast, $0.invocationId ?? "") }
            let ascending = zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 }
            let descending = zip(keys, keys.dropFirst()).allSatisfy { $0 > $1 }
            switch order {
            case .newestFirst: #expect(descending)
            case .oldestFirst: #expect(ascending)
            case .unordered: #expect(!ascending && !descending)
            }
            // By id, the same order applies.
            let ids = rows.prefix(3).compactMap(\.invocationId)
            let byId = try await caller.invocations(
                #"{"InvocationIds":[\#(ids.reversed().map { "\"\($0)\"" }.joined(separator: ","))]}"#)
            #expect(byId.invocationSet.compactMap(\.invocationId) == ids)
        }
    }

    @Test("broken records are answered broken inside an otherwise good page, until repaired")
    func brokenRecords() async throws {
        try await withSimulator { sim, caller in
            let a = await sim.addInvocation()
            let b = await sim.addInvocation()
            let c = await sim.addInvocation()
            await sim.corrupt(a.invocationId, .missingStatus)
            await sim.corrupt(b.invocationId, .missingId)
            await sim.corrupt(c.invocationId, .taskWithoutStatus)
            let page = try await caller.invocations()
            #expect(page.totalCount == 3)
            #expect(page.invocationSet.count == 3)
            #expect(page.invocationSet.first { $0.invocationId == a.invocationId }?.invocationStatus == nil)
            #expect(page.invocationSet.filter { $0.invocationId == nil }.count == 1)
            let broken = try #require(page.invocationSet.first { $0.invocationId == c.invocationId })
            #expect(broken.invocationStatus != nil)
            #expect(broken.invocationTaskBasicInfoSet?.first?.taskStatus == nil)
            await sim.repair(a.invocationId)
            let repaired = try await caller.invocations(#"{"InvocationIds":["\#(a.invocationId)"]}"#)
            #expect(repaired.invocationSet.first?.invocationStatus != nil)
        }
    }

    @Test("a hidden invocation is missing from listings, TotalCount and refreshes until revealed; refused task ids")
    func hiddenAndRefused() async throws {
        try await withSimulator { sim, caller in
            let a = await sim.addInvocation()
            let b = await sim.addInvocation()
            await sim.hide(a.invocationId)
            let page = try await caller.invocations()
            #expect(page.totalCount == 1)
            #expect(page.invocationSet.compactMap(\.invocationId) == [b.invocationId])
            let byId = try await caller.invocations(#"{"InvocationIds":["\#(a.invocationId)"]}"#)
            #expect(byId.invocationSet.isEmpty)
            await sim.reveal(a.invocationId)
            #expect(try await caller.invocations().totalCount == 2)

            await sim.refuseTask(a.taskIds[0])
            let refused = try await caller.call(
                "DescribeInvocationTasks", #"{"InvocationTaskIds":["\#(a.taskIds[0])","\#(b.taskIds[0])"]}"#)
            #expect(refused.errorCode == "InvalidParameterValue.InvalidInvocationTaskId")
            let other = try await caller.tasks(#"{"InvocationTaskIds":["\#(b.taskIds[0])"]}"#)
            #expect(other.invocationTaskSet.count == 1)
        }
    }
}

@Suite("Clock skew from the Date header", .timeLimit(.minutes(1)))
struct ClockSkewTests {
    @Test(
        "IMF-fixdate parses to the right instant; anything else is ignored",
        arguments: [
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
            ("Tue, 01 Dec 2026 08:56:55 GMT", 1_796_115_415.0),
            ("Thu, 29 Feb 2024 23:59:59 GMT", 1_709_251_199.0),
        ])
    func parses(text: String, epoch: Double) {
        let skew = ClockSkew()
        let local = Date(timeIntervalSince1970: epoch - 120)
        #expect(skew.observe(dateHeader: text, localNow: local, logger: .init(label: "test")))
        #expect(skew.measured == 120)
        #expect(skew.correction == 120)
    }

    @Test("small offsets are left alone; a large one corrects, and going back in step clears it")
    func threshold() {
        let skew = ClockSkew()
        let server = "Sun, 06 Nov 1994 08:49:37 GMT"
        let serverDate = Date(timeIntervalSince1970: 784_111_777)
        #expect(!skew.observe(dateHeader: server, localNow: serverDate.addingTimeInterval(30), logger: .init(label: "t")))
        #expect(skew.correction == 0)
        #expect(skew.measured == -30)
        #expect(skew.observe(dateHeader: server, localNow: serverDate.addingTimeInterval(400), logger: .init(label: "t")))
        #expect(skew.correction == -400)
        #expect(!skew.observe(dateHeader: server, localNow: serverDate.addingTimeInterval(401), logger: .init(label: "t")))
        #expect(skew.correction == -400, "the header's 1 s resolution does not flap the correction")
        #expect(skew.observe(dateHeader: server, localNow: serverDate, logger: .init(label: "t")))
        #expect(skew.correction == 0)
        for junk in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT"] {
            #expect(!skew.observe(dateHeader: junk, localNow: serverDate, logger: .init(label: "t")))
        }
    }

    @Test("a client 10 minutes ahead of the simulator gets one SignatureExpire, then signs corrected")
    func client() async throws {
        try await withSimulator { sim, _ in
            let client = TATClient(
                api: APIClient(
                    credentials: TATSimulator.testCredentials,
                    configuration: .init(endpoint: try Endpoint.parse(await sim.endpoint), retry: .none),
                    now: { Date().addingTimeInterval(600) }))
            _ = try await client.describeInvocations(.init())
            _ = try await client.describeInvocations(.init())
            #expect(abs(client.api.clockSkew.measured + 600) < 5)
            let expired = await sim.calls.filter { $0.errorCode == "AuthFailure.SignatureExpire" }
            #expect(expired.count == 1)
            #expect(await sim.callCount(action: .describeInvocations) == 3)
        }
    }
}
