import Events
import Foundation
import Testing

/// The event JSON, byte for byte, for representative events: the documented wire form receivers,
/// the outbox and `tattle events --json` depend on. Captured before statuses on `Event` were typed;
/// any change to the model must leave these bytes as they are.
@Suite("Event JSON golden bytes")
struct EventWireGoldenTests {
    /// The differ's events for: a new RUNNING invocation with a RUNNING and a PENDING task; the same
    /// invocation ending PARTIAL_FAILED with one task FAILED (enriched); then stuck while CANCELLING
    /// with an unknown task status.
    static func events() -> [Event] {
        let differ = Differ(stuckPolicy: StuckPolicy())
        let t0 = Fixture.t0
        let running = Fixture.invocation(
            .running, tasks: [Fixture.task(1, .running), Fixture.task(2, .pending)], timeout: 60)
        let first = differ.diff(previous: [:], observed: [running], now: t0, region: Fixture.region)
        var snapshot: [String: InvocationState] = [:]
        first.apply(to: &snapshot)
        let ended = Fixture.invocation(
            .partialFailed, tasks: [Fixture.task(1, .failed), Fixture.task(2, .success)], timeout: 60)
        var second = differ.diff(
            previous: snapshot, observed: [ended], now: t0.addingTimeInterval(30), region: Fixture.region)
        second.enrich(with: [
            "invt-0001": TaskDetails(
                exitCode: 2, errorInfo: "exit status 2", dropped: 0,
                output: OutputTail(decodedOutput: Array("line 1\nfailed: \"quote\" / slash\n".utf8)),
                startTime: t0.addingTimeInterval(1), endTime: t0.addingTimeInterval(29))
        ])
        let cancelling = Fixture.invocation(
            .cancelling, tasks: [Fixture.task(3, TaskStatus(rawValue: "quarantined"))], timeout: 60)
        var third: [String: InvocationState] = [:]
        differ.diff(previous: [:], observed: [cancelling], now: t0, region: "ap-shanghai").apply(to: &third)
        let stuck = differ.diff(
            previous: third, observed: [cancelling], now: t0.addingTimeInterval(7200), region: "ap-shanghai")
        return first.events + second.events + stuck.events
    }

    static func json(_ event: Event) throws -> String {
        String(decoding: try Event.encoder.encode(event), as: UTF8.self)
    }

    @Test("each representative event encodes to exactly the captured bytes")
    func goldenBytes() throws {
        let encoded = try Self.events().map(Self.json)
        #expect(encoded.count == Self.golden.count)
        for (index, (actual, expected)) in zip(encoded, Self.golden).enumerated() {
            #expect(actual == expected, "event \(index) encodes differently:\n\(actual)")
        }
    }

    @Test("the captured bytes decode and encode back to themselves")
    func goldenRoundTrip() throws {
        for expected in Self.golden {
            let event = try Event.decoder.decode(Event.self, from: Data(expected.utf8))
            #expect(try Self.json(event) == expected)
        }
    }

    static let golden: [String] = [
        ##"{"detectedAt":"2023-11-14T22:13:20Z","id":"evt_7b185ca6b59fbe82efb4841d8ccaa5f7","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","id":"inv-0001","instanceCount":2,"instanceKind":"CVM","source":"USER","status":"RUNNING","taskCounts":{"PENDING":1,"RUNNING":1},"timeout":60},"region":"ap-guangzhou","status":"RUNNING","type":"invocation.status_changed","version":1}"##,
        ##"{"detectedAt":"2023-11-14T22:13:20Z","id":"evt_fcfead1b3ebc0903d40abcb81885ef9c","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","id":"inv-0001","instanceCount":2,"instanceKind":"CVM","source":"USER","status":"RUNNING","taskCounts":{"PENDING":1,"RUNNING":1},"timeout":60},"region":"ap-guangzhou","status":"RUNNING","task":{"id":"invt-0001","instanceId":"ins-0001","status":"RUNNING"},"type":"task.status_changed","version":1}"##,
        ##"{"detectedAt":"2023-11-14T22:13:50Z","id":"evt_59849eee0a74efbea83e211325aeda1f","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","failedInstances":[{"errorInfo":"exit status 2","exitCode":2,"instanceId":"ins-0001","output":{"omittedBytes":0,"text":"line 1\nfailed: \"quote\" / slash\n"},"status":"FAILED","taskId":"invt-0001"}],"id":"inv-0001","instanceCount":2,"instanceKind":"CVM","source":"USER","status":"PARTIAL_FAILED","taskCounts":{"FAILED":1,"SUCCESS":1},"timeout":60},"previousStatus":"RUNNING","region":"ap-guangzhou","status":"PARTIAL_FAILED","type":"invocation.status_changed","version":1}"##,
        ##"{"detectedAt":"2023-11-14T22:13:50Z","id":"evt_a5f7b2256efb2f9daa7117bcd58b9a4b","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","failedInstances":[{"errorInfo":"exit status 2","exitCode":2,"instanceId":"ins-0001","output":{"omittedBytes":0,"text":"line 1\nfailed: \"quote\" / slash\n"},"status":"FAILED","taskId":"invt-0001"}],"id":"inv-0001","instanceCount":2,"instanceKind":"CVM","source":"USER","status":"PARTIAL_FAILED","taskCounts":{"FAILED":1,"SUCCESS":1},"timeout":60},"previousStatus":"RUNNING","region":"ap-guangzhou","status":"FAILED","task":{"dropped":0,"endTime":"2023-11-14T22:13:49Z","errorInfo":"exit status 2","exitCode":2,"id":"invt-0001","instanceId":"ins-0001","output":{"omittedBytes":0,"text":"line 1\nfailed: \"quote\" / slash\n"},"startTime":"2023-11-14T22:13:21Z","status":"FAILED"},"type":"task.status_changed","version":1}"##,
        ##"{"detectedAt":"2023-11-14T22:13:50Z","id":"evt_a326141093188ea0d68cf6c4ee81333e","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","failedInstances":[{"errorInfo":"exit status 2","exitCode":2,"instanceId":"ins-0001","output":{"omittedBytes":0,"text":"line 1\nfailed: \"quote\" / slash\n"},"status":"FAILED","taskId":"invt-0001"}],"id":"inv-0001","instanceCount":2,"instanceKind":"CVM","source":"USER","status":"PARTIAL_FAILED","taskCounts":{"FAILED":1,"SUCCESS":1},"timeout":60},"previousStatus":"PENDING","region":"ap-guangzhou","status":"SUCCESS","task":{"id":"invt-0002","instanceId":"ins-0002","status":"SUCCESS"},"type":"task.status_changed","version":1}"##,
        ##"{"detectedAt":"2023-11-15T00:13:20Z","id":"evt_45324360cba80c399bd9fee2a2d8c193","invocation":{"commandId":"cmd-1","commandName":"deploy","createdTime":"2023-11-14T22:13:20Z","id":"inv-0001","instanceCount":1,"instanceKind":"CVM","source":"USER","status":"CANCELLING","taskCounts":{"QUARANTINED":1},"timeout":60},"previousStatus":"CANCELLING","region":"ap-shanghai","status":"CANCELLING","stuck":{"limitSeconds":600,"seconds":7200,"since":"2023-11-14T22:13:20Z"},"type":"invocation.stuck","version":1}"##,
    ]
}
