import Foundation
import TATSimulator
import TencentCloud
import Testing

/// Fault injection on demand: one-shot faults, seeded random faults, and the call log.
@Suite("TATSimulator faults", .timeLimit(.minutes(1)))
struct SimulatorFaultTests {
    @Test("failNext answers the next requests with the fault, then normally")
    func failNext() async throws {
        try await withSimulator { sim, caller async throws in
            await sim.failNext(1, with: .http503)
            await sim.failNext(1, with: .internalError)
            await sim.failNext(1, with: .requestLimitExceeded)
            await sim.failNext(1, with: .malformedJSON)
            #expect(try await caller.call("DescribeInvocations").status == 503)
            #expect(try await caller.call("DescribeInvocations").errorCode == "InternalError")
            #expect(try await caller.call("DescribeInvocations").errorCode == "RequestLimitExceeded")
            let malformed = try await caller.call("DescribeInvocations")
            #expect(malformed.status == 200 && malformed.response == nil)
            #expect(try await caller.call("DescribeInvocations").errorCode == nil)
            let faults = await sim.calls.map { $0.fault?.description ?? "-" }
            #expect(faults == ["http503", "internalError", "requestLimitExceeded", "malformedJSON", "-"])
            #expect(await sim.callCount(action: .describeInvocations) == 5)
            await sim.resetCounts()
            #expect(await sim.callCount(action: .describeInvocations) == 0)
        }
    }

    @Test("a truncated body fails the client's read")
    func truncatedBody() async throws {
        try await withSimulator { sim, caller async throws in
            await sim.seedRetained(count: 30, active: 0)
            await sim.failNext(1, with: .truncatedBody)
            await #expect(throws: (any Error).self) { _ = try await caller.call("DescribeInvocations") }
            #expect(try await caller.call("DescribeInvocations").errorCode == nil)
        }
    }

    @Test("slow answers arrive, late")
    func slow() async throws {
        try await withSimulator { sim, caller async throws in
            await sim.failNext(1, with: .slow(.milliseconds(200)))
            let reply = try await caller.call("DescribeInvocations")
            #expect(reply.errorCode == nil && reply.status == 200)
            #expect(await sim.calls.first?.fault == .slow(.milliseconds(200)))
        }
    }

    /// The fault (or "-") of each of `count` requests with random injection from `seed`.
    func faultSequence(seed: UInt64, count: Int) async throws -> [String] {
        let sim = try await TATSimulator(configuration: .init(seed: seed, requestsPerSecond: nil))
        try await sim.start()
        let caller = await SimulatorCaller(sim)
        await sim.injectFaults(.init(probability: 0.5, kinds: [.internalError, .http500, .requestLimitExceeded]))
        for _ in 0..<count { _ = try await caller.call("DescribeInvocations") }
        let faults = await sim.calls.map { $0.fault?.description ?? "-" }
        await sim.clearFaults()
        #expect(try await caller.call("DescribeInvocations").errorCode == nil)
        await sim.stop()
        return faults
    }

    @Test("random injection is reproducible from the seed")
    func seededInjection() async throws {
        let first = try await faultSequence(seed: 11, count: 20)
        let second = try await faultSequence(seed: 11, count: 20)
        #expect(first == second)
        #expect(first.contains("-") && first.contains { $0 != "-" })
    }
}
