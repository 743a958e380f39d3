import Events
import Foundation
import Testing

/// `Event.status` is typed by the event's level: decoded, created from a literal or reassigned, a
/// task event carries a ``TaskStatus`` and an invocation event an ``InvocationStatus``.
@Suite("Typed event statuses")
struct EventStatusTests {
    static let stored = #"""
        {"detectedAt":"2023-11-14T22:13:50Z","id":"evt_1","invocation":{"id":"inv-1","instanceCount":1,"status":"PARTIAL_FAILED","taskCounts":{"FAILED":1,"quarantined":2}},"previousStatus":"RUNNING","region":"ap-guangzhou","status":"TASK_TIMEOUT","task":{"id":"invt-1","instanceId":"ins-1","status":"TASK_TIMEOUT"},"type":"task.status_changed","version":1}
        """#

    @Test func aStoredTaskEventDecodesToTaskStatuses() throws {
        let event = try Event.decoder.decode(Event.self, from: Data(Self.stored.utf8))
        #expect(event.status == .task(.taskTimeout))
        #expect(event.status.isTaskLevel)
        #expect(event.previousStatus?.isTaskLevel == true)
        // TASK_TIMEOUT is a failure only as a task status: the level decides.
        #expect(event.status.isFailure)
        #expect(event.task?.status == .taskTimeout)
        #expect(event.invocation.status == .partialFailed)
        #expect(event.invocation.taskCounts == [.failed: 1, TaskStatus(rawValue: "QUARANTINED"): 2])
    }

    @Test func literalsAndReassignmentsTakeTheEventsLevel() {
        var event = Event(
            id: "evt_2", type: .taskStuck, region: "ap-guangzhou", detectedAt: Date(timeIntervalSince1970: 0),
            previousStatus: "deliver_delayed", status: "DELIVER_DELAYED", invocation: InvocationInfo(id: "inv-2", status: "RUNNING"))
        #expect(event.status.isTaskLevel)
        #expect(event.previousStatus?.rawValue == "DELIVER_DELAYED")
        event.status = "START_FAILED"
        #expect(event.status.isTaskLevel && event.status.isFailure)
        event.type = .invocationStatusChanged
        #expect(!event.status.isTaskLevel)
        #expect(event.previousStatus?.isTaskLevel == false)
        // START_FAILED is not an invocation status TAT documents, so not a failure at that level.
        #expect(!event.status.isFailure)
    }

    @Test func statusesOfEitherLevelAreEqualByTheirWireValue() {
        #expect(EventStatus.task(.failed) == .invocation(.failed))
        #expect(Set([EventStatus.task(.success), .invocation(.success)]).count == 1)
        #expect(EventStatus.task(.running) != .task(.pending))
    }
}
