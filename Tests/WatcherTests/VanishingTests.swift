import Events
import Foundation
import Store
import TATSimulator
import Testing
import Watcher

@Suite("Watcher: records that vanish and return", .timeLimit(.minutes(2)))
struct VanishingTests {
    @Test(
        "a record missing from one look and back: nothing removed, no event with an absent previousStatus",
        arguments: [false, true])
    func missingOnce(fullListings: Bool) async throws {
        try await Harness.with { h in
            var configuration = Watcher.Configuration(regions: [Harness.region])
            if fullListings { configuration.fullResyncInterval = .zero }
            let watcher = h.watcher(configuration)
            try await watcher.pollOnce()
            let handle = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(10)))]))
            await h.advance(seconds: 2)
            try await watcher.pollOnce()
            #expect(await h.simulator.invocationStatus(handle.invocationId) == .running)
            let firstSeen = h.log.events.count

            await h.simulator.hide(handle.invocationId)
            await h.advance(seconds: 1)
            let missing = try #require(try await watcher.pollOnce().first)
            #expect(missing.diff.removals.isEmpty, "one absence is not a removal")
            #expect(missing.diff.events.isEmpty)
            #expect(await watcher.pollers[0].trackedCount == 1)

            await h.simulator.reveal(handle.invocationId)
            await h.advance(seconds: 12)
            try await watcher.pollOnce()
            let later = h.log.events.dropFirst(firstSeen)
            #expect(later.map(\.line).sorted() == [
                "invocation.status_changed - RUNNING→SUCCESS", "task.status_changed \(handle.taskIds[0]) RUNNING→SUCCESS",
            ])
        }
    }

    @Test("an invocation gone for two looks is tombstoned; reappearing after a restart, it is diffed against the tombstone")
    func tombstone() async throws {
        try await Harness.with { h in
            let watcher = h.watcher()
            try await watcher.pollOnce()
            let handle = await h.simulator.addInvocation(
                InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(20)))]))
            await h.advance(seconds: 2)
            try await watcher.pollOnce()
            let firstSeen = h.log.events.count

            await h.simulator.hide(handle.invocationId)
            try await watcher.pollOnce()
            let removed = try #require(try await watcher.pollOnce().first)
            #expect(removed.diff.removals == [handle.invocationId], "removed after the second absence")
            #expect(await watcher.pollers[0].trackedCount == 0)
            let stored = try await h.store.loadTombstones(region: Harness.region)
            #expect(stored.map(\.id) == [handle.invocationId])
            #expect(stored.first?.state.status == .running)

            // A new process, while the invocation finishes out of sight, then reappears.
            let restarted = h.watcher()
            await h.advance(seconds: 25)
            await h.simulator.reveal(handle.invocationId)
            let back = try #require(try await restarted.pollOnce().first)
            #expect(back.diff.events.map(\.line).sorted() == [
                "invocation.status_changed - RUNNING→SUCCESS", "task.status_changed \(handle.taskIds[0]) RUNNING→SUCCESS",
            ])
            #expect(h.log.events.dropFirst(firstSeen).allSatisfy { $0.previousStatus != nil })
            #expect(try await h.store.loadTombstones(region: Harness.region).isEmpty, "revived")
            #expect(await restarted.pollers[0].trackedCount == 1)
        }
    }

    @Test("tombstones expire after the configured retention")
    func expiry() async throws {
        try await Harness.with { h in
            var configuration = Watcher.Configuration(regions: [Harness.region])
            configuration.tombstoneRetention = .seconds(60)
            configuration.fullResyncInterval = .zero  // a finished invocation is only missed by a listing
            let watcher = h.watcher(configuration)
            try await watcher.pollOnce()
            let handle = await h.simulator.addInvocation()
            await h.advance(seconds: 5)
            try await watcher.pollOnce()
            await h.simulator.hide(handle.invocationId)
            try await watcher.pollOnce()
            try await watcher.pollOnce()
            #expect(try await h.store.loadTombstones(region: Harness.region).count == 1)
            await h.advance(seconds: 61)
            let pruned = try #require(try await watcher.pollOnce().first)
            #expect(pruned.diff.forgottenTombstones == [handle.invocationId])
            #expect(try await h.store.loadTombstones(region: Harness.region).isEmpty)
        }
    }
}
