/// The actions the simulator serves.
public enum APIAction: String, Sendable, Hashable, CaseIterable {
    /// `DescribeInvocations`: the invocation list.
    case describeInvocations = "DescribeInvocations"
    /// `DescribeInvocationTasks`: the per-instance tasks with their results.
    case describeInvocationTasks = "DescribeInvocationTasks"

    /// `InvocationIds` or `InvocationTaskIds`.
    var idsParameter: String {
        self == .describeInvocations ? "InvocationIds" : "InvocationTaskIds"
    }

    /// The filter names the action accepts (tat-api.md §3).
    var filterNames: Set<String> {
        switch self {
        case .describeInvocations: ["invocation-id", "command-id", "command-created-by", "instance-kind"]
        case .describeInvocationTasks: ["invocation-task-id", "invocation-id", "instance-id", "command-id"]
        }
    }
}
