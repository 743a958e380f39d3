import TencentCloud

/// The two read-only TAT actions the watcher calls. `TATClient` conforms; tests may pass a fake.
public protocol TATReader: Sendable {
    /// `DescribeInvocations`: one page. Throws `APIError`, `ClientError` or `CancellationError`.
    func describeInvocations(_ request: DescribeInvocationsRequest, region: String?) async throws
        -> DescribeInvocationsResponse
    /// `DescribeInvocationTasks`: one page. Throws `APIError`, `ClientError` or `CancellationError`.
    func describeInvocationTasks(_ request: DescribeInvocationTasksRequest, region: String?) async throws
        -> DescribeInvocationTasksResponse

    /// The API servers' clock minus the local one, in seconds, as last measured (0 when unknown).
    var clockSkewSeconds: Double { get }
}

extension TATReader {
    /// A reader that measures no clock skew reports none.
    public var clockSkewSeconds: Double { 0 }
}

extension TATClient: TATReader {
    public var clockSkewSeconds: Double { api.clockSkew.measured }
}
