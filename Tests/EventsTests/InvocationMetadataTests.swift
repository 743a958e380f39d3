import Events
import Foundation
import Testing

/// The invocation's metadata and a task's details each have one shape, from the watcher's
/// observation to the event's JSON.
@Suite("One shape of metadata and details")
struct InvocationMetadataTests {
    static let full = InvocationMetadata(
        commandId: "cmd-9", commandName: "backup-mysql", description: "nightly", instanceKind: "LIGHTHOUSE",
        source: "INVOKER", username: "backup", createdTime: Fixture.t0, startTime: Fixture.t0.addingTimeInterval(1),
        endTime: Fixture.t0.addingTimeInterval(9), timeout: 600)

    @Test("the observation's metadata reaches every event of the invocation unchanged")
    func metadataReachesEvents() {
        let observation = ObservedInvocation(
            id: "inv-9", status: .failed, metadata: Self.full, tasks: [Fixture.task(1, .failed)])
        let diff = Differ(stuckPolicy: StuckPolicy())
            .diff(previous: [:], observed: [observation], now: Fixture.t0, region: Fixture.region)
        #expect(diff.events.count == 2)
        for event in diff.events {
            #expect(event.invocation.metadata == Self.full)
            #expect(event.invocation.commandName == "backup-mysql")
        }
    }

    @Test("metadata and details are encoded flat: no extra key, and they decode back whole")
    func flatWireForm() throws {
        var task = TaskInfo(id: "invt-1", instanceId: "ins-1", status: .failed)
        task.exitCode = 3
        task.output = OutputTail(text: "boom", omittedBytes: 0)
        let event = Event(
            id: "evt-1", type: .taskStatusChanged, region: Fixture.region, detectedAt: Fixture.t0,
            previousStatus: .task(.running), status: .task(.failed),
            invocation: InvocationInfo(id: "inv-9", status: .failed, metadata: Self.full), task: task)
        let json = try JSONSerialization.jsonObject(with: Event.encoder.encode(event)) as? [String: Any]
        let invocation = try #require(json?["invocation"] as? [String: Any])
        let taskObject = try #require(json?["task"] as? [String: Any])
        #expect(invocation["metadata"] == nil)
        #expect(invocation["commandName"] as? String == "backup-mysql")
        #expect(invocation["username"] as? String == "backup")
        #expect(taskObject["details"] == nil)
        #expect(taskObject["exitCode"] as? Int == 3)
        let decoded = try Event.decoder.decode(Event.self, from: Event.encoder.encode(event))
        #expect(decoded == event)
        #expect(decoded.invocation.metadata == Self.full)
        #expect(decoded.task?.details == task.details)
    }

    @Test("newer details fill what they have and keep the rest")
    func detailsUpdate() {
        var details = TaskDetails(exitCode: 1, errorInfo: "old", dropped: 5, startTime: Fixture.t0)
        details.update(with: TaskDetails(exitCode: 2, output: OutputTail(text: "x", omittedBytes: 0)))
        #expect(details.exitCode == 2)
        #expect(details.errorInfo == "old")
        #expect(details.dropped == 5)
        #expect(details.output?.text == "x")
        #expect(details.startTime == Fixture.t0)
        #expect(details.endTime == nil)
    }
}
