import TencentCloud

/// A way one record of an otherwise good answer can be broken, as a field gap in the real API
/// would break it. Injected per invocation (or task) with ``TATSimulator/corrupt(_:_:)``.
public enum MalformedRecord: Sendable, Hashable, CustomStringConvertible {
    /// The invocation is listed without `InvocationStatus`.
    case missingStatus
    /// The invocation is listed without `InvocationId`.
    case missingId
    /// The invocation's first task is listed without `TaskStatus`.
    case taskWithoutStatus

    public var description: String {
        switch self {
        case .missingStatus: "missingStatus"
        case .missingId: "missingId"
        case .taskWithoutStatus: "taskWithoutStatus"
        }
    }
}

extension TATSimulator {
    /// From now on, `invocationId` is answered broken as `kind` in every listing and refresh (the rest
    /// of each page stays good), until ``repair(_:)`` or ``clearFaults()``.
    public func corrupt(_ invocationId: String, _ kind: MalformedRecord) {
        faults.malformed[invocationId] = kind
    }

    /// Answers `invocationId` correctly again.
    public func repair(_ invocationId: String) {
        faults.malformed[invocationId] = nil
    }

    /// Leaves `invocationId` out of every `DescribeInvocations` answer (listings, `TotalCount` and
    /// refreshes by id) until ``reveal(_:)``, as a record that vanishes from one answer and returns;
    /// its tasks keep running.
    public func hide(_ invocationId: String) {
        fleet.hidden.insert(invocationId)
    }

    /// Answers `invocationId` again after ``hide(_:)``.
    public func reveal(_ invocationId: String) {
        fleet.hidden.remove(invocationId)
    }

    /// Changes the order listings answer in from now on.
    public func setListingOrder(_ order: ListingOrder) {
        fleet.listingOrder = order
    }

    /// From now on, a `DescribeInvocationTasks` call naming `taskId` in `InvocationTaskIds` is refused with
    /// `InvalidParameterValue.InvalidInvocationTaskId` (as the API refuses a task id it does not accept),
    /// until ``clearFaults()``.
    public func refuseTask(_ taskId: String) {
        faults.refusedTaskIds.insert(taskId)
    }
}

extension MalformedRecord {
    /// `invocation` broken as this kind says.
    func apply(to invocation: inout Invocation) {
        switch self {
        case .missingStatus: invocation.invocationStatus = nil
        case .missingId: invocation.invocationId = nil
        case .taskWithoutStatus:
            if var tasks = invocation.invocationTaskBasicInfoSet, !tasks.isEmpty {
                tasks[0].taskStatus = nil
                invocation.invocationTaskBasicInfoSet = tasks
            }
        }
    }
}
