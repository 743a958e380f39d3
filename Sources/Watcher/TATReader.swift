import TencentCloud

/// The two read-only TAT actions the watcher calls. `TATClient` conforms; tests may pass a fake.
public protocol TATReader: Sendable {
    /// `DescribeInvocations`: one page. Throws `APIError`, `ClientError` or `CancellationError`.
    func describeInvocations(_ request: DescribeInvocationsRequest, region: String?) async throws
        -> DescribeInvocationsResponse
    /// `DescribeInvocationTasks`: one page. Throws `APIError`, `ClientError` or `CancellationError`.
    func describeInvocationTasks(_ request: DescribeInvocationTasksRequest, region: String?) async throws
        -> DescribeInvocationTasksResponse
}

extension TATClient: TATReader {}
