import Events
import Foundation
import TATSimulator
import TencentCloud
import Testing

/// The scripted fleet: lifecycles, derived invocation status, determinism, retention and bulk seeding.
@Suite("TATSimulator fleet", .timeLimit(.minutes(1)))
struct SimulatorFleetTests {
    @Test(
        "invocation status derives from task statuses",
        arguments: [
            ([FleetTaskStatus.pending, .pending], FleetInvocationStatus.pending),
            ([.pending, .delivering], .running),
            ([.running, .success], .running),
            ([.running, .cancelling], .cancelling),
            ([.success, .success], .success),
            ([.success, .failed], .partialFailed),
            ([.failed, .startFailed], .failed),
            ([.timeout, .taskTimeout], .timeout),
            ([.timeout, .failed], .failed),
            ([.cancelled, .terminated], .cancelled),
            ([.success, .terminated], .partialCancelled),
            ([.deliverFailed], .failed),
        ])
    func derivedStatus(tasks: [FleetTaskStatus], expected: FleetInvocationStatus) {
        #expect(FleetInvocationStatus.derived(from: tasks) == expected)
    }

    @Test("a scripted plan moves PENDING → DELIVERING → RUNNING → FAILED over simulated time")
    func lifecycle() async throws {
        let sim = try await TATSimulator(configuration: .init(origin: Date(timeIntervalSince1970: 1_700_000_000)))
        let handle = await sim.addInvocation(
            InvocationSpec(tasks: [
                .init(plan: [
                    .after(.seconds(1), .delivering), .after(.seconds(1), .running),
                    .after(.seconds(3), .failed, exitCode: 137, output: "killed\n"),
                ]),
                .init(plan: TaskStep.succeeding(after: .seconds(1))),
            ]))
        let task = handle.taskIds[0]
        #expect(await sim.taskStatus(taskId: task) == .pending)
        #expect(await sim.invocationStatus(handle.invocationId) == .pending)
        await sim.advance(by: .seconds(1))
        #expect(await sim.taskStatus(taskId: task) == .delivering)
        #expect(await sim.invocationStatus(handle.invocationId) == .running)
        await sim.advance(by: .seconds(1))
        #expect(await sim.taskStatus(taskId: task) == .running)
        await sim.advance(by: .seconds(3))
        #expect(await sim.taskStatus(taskId: task) == .failed)
        #expect(await sim.invocationStatus(handle.invocationId) == .partialFailed)
    }

    @Test("setTaskStatus and removeInvocation control the fleet directly")
    func directControl() async throws {
        try await withSimulator { sim, caller async throws in
            let handle = await sim.addInvocation(InvocationSpec(tasks: [.init(plan: [])]))
            try await sim.setTaskStatus(
                invocationId: handle.invocationId, taskId: handle.taskIds[0], status: .failed, exitCode: 9,
                output: "Traceback (most recent call last):\nValueError: bad\n")
            let tasks = try await caller.tasks(#"{"HideOutput":false,"InvocationTaskIds":["\#(handle.taskIds[0])"]}"#)
            let task = try #require(tasks.invocationTaskSet.first)
            #expect(task.taskStatus == "FAILED" && task.taskResult?.exitCode == 9)
            #expect(task.taskResult?.decodedOutput?.contains("ValueError: bad") == true)
            #expect(try await caller.invocations().invocationSet.first?.invocationStatus == "FAILED")
            #expect(await sim.removeInvocation(handle.invocationId))
            let gone = try await caller.invocations(#"{"InvocationIds":["\#(handle.invocationId)"]}"#)
            #expect(gone.totalCount == 0 && gone.invocationSet.isEmpty)
            await #expect(throws: FleetControlError.self) {
                try await sim.setTaskStatus(
                    invocationId: handle.invocationId, taskId: "invt-zzzzzzzz", status: .success)
            }
        }
    }

    @Test("cancelInvocation: pending tasks CANCELLED, running ones CANCELLING then TERMINATED")
    func cancel() async throws {
        let sim = try await TATSimulator()
        let handle = await sim.addInvocation(
            InvocationSpec(tasks: [
                .init(plan: [.after(.seconds(1), .running), .after(.seconds(60), .success)]),
                .init(plan: [.after(.seconds(30), .delivering)]),
            ]))
        await sim.advance(by: .seconds(2))
        try await sim.cancelInvocation(handle.invocationId)
        #expect(await sim.taskStatus(taskId: handle.taskIds[0]) == .cancelling)
        #expect(await sim.taskStatus(taskId: handle.taskIds[1]) == .cancelled)
        #expect(await sim.invocationStatus(handle.invocationId) == .cancelling)
        await sim.advance(by: .seconds(1))
        #expect(await sim.taskStatus(taskId: handle.taskIds[0]) == .terminated)
        #expect(await sim.invocationStatus(handle.invocationId) == .cancelled)
    }

    @Test("task paging without filters matches the full listing")
    func taskPaging() async throws {
        try await withSimulator { sim, caller async throws in
            await sim.seedRetained(count: 40, active: 3)
            let all = try await caller.tasks(#"{"Limit":100}"#)
            var paged: [String] = []
            for offset in stride(from: 0, to: all.totalCount, by: 7) {
                paged += try await caller.tasks(#"{"Limit":7,"Offset":\#(offset)}"#).invocationTaskSet
                    .compactMap(\.invocationTaskId)
            }
            #expect(all.totalCount == all.invocationTaskSet.count)
            #expect(paged == all.invocationTaskSet.compactMap(\.invocationTaskId))
        }
    }

    @Test("output longer than 24 KB is cut and counted in Dropped")
    func droppedOutput() async throws {
        try await withSimulator { sim, caller async throws in
            let long = String(repeating: "x", count: 30_000)
            let handle = await sim.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(output: long))]))
            await sim.advance(by: .seconds(10))
            let tasks = try await caller.tasks(#"{"HideOutput":false,"InvocationTaskIds":["\#(handle.taskIds[0])"]}"#)
            let result = try #require(tasks.invocationTaskSet.first?.taskResult)
            #expect(result.decodedOutputBytes?.count == 24 * 1024)
            #expect(result.dropped == 30_000 - 24 * 1024)
        }
    }

    /// The ids and statuses after running `script` for `seconds` simulated seconds from `seed`.
    func trace(seed: UInt64, script: FleetScript, seconds: Int) async throws -> [String] {
        let sim = try await TATSimulator(
            configuration: .init(
                seed: seed, origin: Date(timeIntervalSince1970: 1_700_000_000), script: script))
        var trace: [String] = []
        for _ in 0..<seconds {
            await sim.advance(by: .seconds(1))
            for id in await sim.invocationIds() {
                trace.append("\(id)=\(await sim.invocationStatus(id)?.rawValue ?? "?")")
            }
        }
        return trace
    }

    @Test("the same seed gives the same fleet; another seed another one")
    func determinism() async throws {
        let first = try await trace(seed: 7, script: .busy, seconds: 20)
        let second = try await trace(seed: 7, script: .busy, seconds: 20)
        let other = try await trace(seed: 8, script: .busy, seconds: 20)
        #expect(!first.isEmpty)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("the demo script shows a failure within 5 s and a mix of outcomes by 40 s")
    func demoScript() async throws {
        let sim = try await TATSimulator(configuration: .init(seed: 3, script: .demo))
        await sim.advance(by: .seconds(5))
        var statuses = Set<FleetInvocationStatus>()
        for id in await sim.invocationIds() { statuses.insert(await sim.invocationStatus(id) ?? .pending) }
        #expect(statuses.contains(.failed) || statuses.contains(.partialFailed))
        await sim.advance(by: .seconds(35))
        statuses = []
        for id in await sim.invocationIds() { statuses.insert(await sim.invocationStatus(id) ?? .pending) }
        #expect(statuses.contains(.success))
        #expect(await sim.invocationCount >= 8)
    }

    @Test("seedRetained creates 10,000 finished and 50 running invocations")
    func seedRetained() async throws {
        try await withSimulator { sim, caller async throws in
            await sim.seedRetained(count: 10_000, active: 50)
            let all = try await caller.invocations(#"{"Limit":100}"#)
            #expect(all.totalCount == 10_050)
            #expect(all.invocationSet.count == 100)
            let newest = all.invocationSet.prefix(50).compactMap(\.invocationStatus)
            #expect(newest.allSatisfy { $0 == "RUNNING" })
            let oldest = try await caller.invocations(#"{"Limit":100,"Offset":9950}"#)
            #expect(
                oldest.invocationSet.compactMap(\.invocationStatus).allSatisfy { InvocationStatus(rawValue: $0).isTerminal })
            let created = all.invocationSet.compactMap(\.createdTime)
            #expect(created == created.sorted(by: >))
        }
    }
}
