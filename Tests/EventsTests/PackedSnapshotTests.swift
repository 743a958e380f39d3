import Foundation
import Testing

@testable import Events

@Suite("The packed snapshot: ids, instances, statuses and times read back as written")
struct PackedSnapshotTests {
    @Test(
        "ids round-trip, packed or kept in the table",
        arguments: [
            "invt-1a2b3c4d", "inv-00000000", "ins-zzzzzzzz", "lhins-abc123", "mi-0123456789", "cmd-x", "invt-",
            "inv-", "", "a", "0", "00", "inv-ABCDEF12", "invt-1a2b3c4d5e6", "t1", "task-a", "ins-é", "inv-12345678901",
            "invt-0", "invt-00",
        ])
    func idsRoundTrip(_ id: String) {
        #expect(CompactID(id).string == id)
        #expect(CompactID(id) == CompactID(id))
    }

    @Test("equal packed ids are equal strings")
    func idsAreCanonical() {
        let ids = ["invt-1", "invt-01", "inv-1", "ins-1", "1", "01", "INVT-1", "invt-1 ", "never-stored"]
        let packed = ids.map(CompactID.init)
        #expect(Set(packed).count == ids.count)
        #expect(Set(packed.map(\.string)) == Set(ids))
    }

    @Test("a task's fields read back as written, including unknown statuses and microseconds")
    func taskFields() {
        let since = Date(timeIntervalSince1970: 1_764_400_000.123_456)
        var task = TaskState(
            id: "invt-abc", instanceId: "ins-1", status: TaskStatus(rawValue: "brand_new"), statusSince: since,
            stuckFired: true)
        #expect(task.id == "invt-abc" && task.instanceId == "ins-1")
        #expect(task.status.rawValue == "BRAND_NEW" && !task.status.isKnown)
        #expect(abs(task.statusSince.timeIntervalSince(since)) < 1e-6)
        #expect(task.stuckFired)
        task.status = .success
        task.stuckFired = false
        task.statusSince = Date(timeIntervalSince1970: 5.999_999_9)
        #expect(task.status == .success && !task.stuckFired)
        #expect(task.statusSince == Date(timeIntervalSince1970: 6))
        let observed = ObservedTask(id: "invt-abc", instanceId: "ins-1", status: .success)
        #expect(observed.identity == task.identity)
        #expect(observed.statusCode == task.statusCode)
        #expect(TaskState(observed, since: task.statusSince) == task)
        #expect(MemoryLayout<TaskState>.stride == 20)
        #expect(MemoryLayout<InvocationState>.stride == 40)
    }

    @Test("every documented status packs into its own byte and back", arguments: TaskStatus.known)
    func taskStatuses(_ status: TaskStatus) {
        #expect(TaskStatus(code: status.code) == status)
        #expect(TaskStatus.codes.isKnown(status.code))
    }

    @Test("an invocation's optional timeout and created time keep nil apart from any value")
    func invocationFields() {
        var state = InvocationState(id: "inv-1", status: .running, statusSince: Date(timeIntervalSince1970: 10))
        #expect(state.timeout == nil && state.createdTime == nil)
        state.timeout = 0
        state.createdTime = Date(timeIntervalSince1970: 0)
        state.status = InvocationStatus(rawValue: "SOMETHING_NEW")
        #expect(state.timeout == 0 && state.createdTime == Date(timeIntervalSince1970: 0))
        #expect(state.status.rawValue == "SOMETHING_NEW")
        #expect(state == state && state != InvocationState(id: "inv-1", status: .running, statusSince: .now))
    }
}
