import Events
import Foundation
import Testing

@Suite("Differ: tombstones")
struct TombstoneDiffTests {
    let differ = Differ()
    let later = Fixture.t0.addingTimeInterval(60)

    @Test("a removal leaves a tombstone holding the last state")
    func removalTombstones() {
        let running = Fixture.invocation(.running, tasks: [Fixture.task(1, .running)])
        let previous = Fixture.snapshot(running)
        let diff = differ.diff(
            previous: previous, observed: [], removable: .ids(["inv-0001"]), now: later, region: Fixture.region)
        #expect(diff.removals == ["inv-0001"])
        #expect(diff.tombstones == [Tombstone(state: previous["inv-0001"]!, removedAt: later)])
        #expect(diff.events.isEmpty)
    }

    @Test("a tombstoned id observed again is diffed against its tombstone and revived")
    func revival() {
        let before = Fixture.invocation(.running, tasks: [Fixture.task(1, .running), Fixture.task(2, .success)])
        let tombstone = Tombstone(state: Fixture.state(before), removedAt: Fixture.t0)
        let back = Fixture.invocation(.success, tasks: [Fixture.task(1, .success), Fixture.task(2, .success)])
        let diff = differ.diff(
            previous: [:], observed: [back], tombstones: ["inv-0001": tombstone], now: later, region: Fixture.region)
        #expect(
            diff.events.map { "\($0.type.rawValue) \($0.task?.id ?? "-") \($0.previousStatus?.rawValue ?? "nil")→\($0.status)" }
                == ["invocation.status_changed - RUNNING→SUCCESS", "task.status_changed invt-0001 RUNNING→SUCCESS"])
        #expect(diff.forgottenTombstones == ["inv-0001"])
        #expect(diff.upserts.map(\.id) == ["inv-0001"])
    }

    @Test("a revived invocation unchanged since its tombstone emits nothing but is tracked again")
    func quietRevival() {
        let before = Fixture.invocation(.success, tasks: [Fixture.task(1, .success)])
        let tombstone = Tombstone(state: Fixture.state(before), removedAt: Fixture.t0)
        let diff = differ.diff(
            previous: [:], observed: [before], tombstones: ["inv-0001": tombstone], now: later, region: Fixture.region)
        #expect(diff.events.isEmpty)
        #expect(diff.upserts == [Fixture.state(before)], "statusSince kept from the tombstone")
        var snapshot: [String: InvocationState] = [:]
        var tombstones = ["inv-0001": tombstone]
        diff.apply(to: &snapshot)
        diff.apply(toTombstones: &tombstones)
        #expect(snapshot.keys.sorted() == ["inv-0001"])
        #expect(tombstones.isEmpty)
    }
}
