import Events
import Foundation
import Testing

@Suite("Differ: stuck detection")
struct StuckTests {
    let differ = Differ()

    struct Case: Sendable, CustomTestStringConvertible {
        var status: TaskStatus
        var timeout: Int?
        var elapsed: Double
        var fires: Bool
        var testDescription: String { "\(status) timeout=\(timeout.map(String.init) ?? "nil") after \(elapsed)s" }
    }

    @Test(
        "task limits",
        arguments: [
            Case(status: .running, timeout: 60, elapsed: 179, fires: false),
            Case(status: .running, timeout: 60, elapsed: 180, fires: true),
            Case(status: .running, timeout: nil, elapsed: 3599, fires: false),
            Case(status: .running, timeout: nil, elapsed: 3600, fires: true),
            Case(status: .pending, timeout: 60, elapsed: 599, fires: false),
            Case(status: .pending, timeout: 60, elapsed: 600, fires: true),
            Case(status: .delivering, timeout: 86400, elapsed: 600, fires: true),
            Case(status: .deliverDelayed, timeout: 86400, elapsed: 600, fires: true),
            Case(status: .cancelling, timeout: 60, elapsed: 600, fires: true),
            Case(status: .success, timeout: 60, elapsed: 100_000, fires: false),
            Case(status: TaskStatus(rawValue: "MYSTERY"), timeout: 60, elapsed: 100_000, fires: false),
        ])
    func taskLimit(_ c: Case) throws {
        // The invocation itself is CANCELLING-free RUNNING with a long timeout so only the task can fire.
        let observation = Fixture.invocation(.running, tasks: [Fixture.task(1, c.status)], timeout: c.timeout)
        var previous = Fixture.snapshot(observation)
        previous["inv-0001"]?.statusSince = Fixture.t0.addingTimeInterval(c.elapsed)  // invocation itself not stuck
        let now = Fixture.t0.addingTimeInterval(c.elapsed)
        let diff = differ.diff(previous: previous, observed: [observation], now: now, region: Fixture.region)
        #expect(diff.events.map(\.type) == (c.fires ? [.taskStuck] : []))
        if c.fires {
            let event = try #require(diff.events.first)
            #expect(event.previousStatus?.rawValue == c.status.rawValue)
            #expect(event.status.rawValue == c.status.rawValue)
            #expect(event.stuck?.seconds == c.elapsed)
            #expect(event.stuck?.since == Fixture.t0)
            #expect(diff.upserts.first?.tasks.first?.stuckFired == true)
        }
    }

    @Test("stuck fires once per status and again after a status change")
    func firesOnce() throws {
        let running = Fixture.invocation(.running, tasks: [Fixture.task(1, .running)], timeout: 60)
        var snapshot = Fixture.snapshot(running)
        let first = differ.diff(
            previous: snapshot, observed: [running], now: Fixture.t0.addingTimeInterval(200), region: Fixture.region)
        #expect(first.events.map(\.type) == [.invocationStuck, .taskStuck])
        first.apply(to: &snapshot)
        let again = differ.diff(
            previous: snapshot, observed: [running], now: Fixture.t0.addingTimeInterval(5000), region: Fixture.region)
        #expect(again.isEmpty)

        let cancelling = Fixture.invocation(.cancelling, tasks: [Fixture.task(1, .cancelling)], timeout: 60)
        let t1 = Fixture.t0.addingTimeInterval(6000)
        let change = differ.diff(previous: snapshot, observed: [cancelling], now: t1, region: Fixture.region)
        #expect(change.events.map(\.type) == [.invocationStatusChanged, .taskStatusChanged])
        #expect(change.upserts.first?.stuckFired == false)
        change.apply(to: &snapshot)
        let stuckAgain = differ.diff(
            previous: snapshot, observed: [cancelling], now: t1.addingTimeInterval(600), region: Fixture.region)
        #expect(stuckAgain.events.map(\.type) == [.invocationStuck, .taskStuck])
        #expect(stuckAgain.events.map(\.status) == ["CANCELLING", "CANCELLING"])
    }

    @Test("a disabled policy never fires")
    func disabled() {
        let running = Fixture.invocation(.running, tasks: [Fixture.task(1, .running)], timeout: 60)
        let diff = Differ(stuckPolicy: .disabled).diff(
            previous: Fixture.snapshot(running), observed: [running], now: Fixture.t0.addingTimeInterval(1e6),
            region: Fixture.region)
        #expect(diff.isEmpty)
    }

    @Test("limits are configurable", arguments: [(59.0, false), (60.0, true)])
    func configurable(elapsed: Double, fires: Bool) {
        let policy = StuckPolicy(runningGrace: .seconds(5), deliveryLimit: .seconds(60))
        let pending = Fixture.invocation(.pending, tasks: [Fixture.task(1, .deliverDelayed)], timeout: 10)
        let diff = Differ(stuckPolicy: policy).diff(
            previous: Fixture.snapshot(pending), observed: [pending], now: Fixture.t0.addingTimeInterval(elapsed),
            region: Fixture.region)
        #expect(diff.events.map(\.type) == (fires ? [.invocationStuck, .taskStuck] : []))
        #expect(policy.limit(for: TaskStatus.running, timeout: 10) == 15)
        #expect(policy.limit(for: InvocationStatus.running, timeout: nil) == 3600)
        #expect(
            StuckPolicy(unknownStatusLimit: .seconds(30)).limit(for: TaskStatus(rawValue: "NEW"), timeout: nil) == 30)
    }
}
