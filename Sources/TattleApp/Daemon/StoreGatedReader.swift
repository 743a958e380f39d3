import Store
import TencentCloud
import Watcher

/// The TAT reader the watcher polls through on PostgreSQL: while the latest database check found
/// the database unreachable, each call fails at once with that reason instead of reaching TAT, so a
/// replica that could not commit a cycle does not poll one (the cycle fails, nothing is committed,
/// and the watcher retries with its backoff; polling resumes when the check passes again).
struct StoreGatedReader: TATReader {
    let base: any TATReader
    let health: DatabaseHealth

    init(_ base: any TATReader, health: DatabaseHealth) {
        self.base = base
        self.health = health
    }

    func describeInvocations(_ request: DescribeInvocationsRequest, region: String?) async throws
        -> DescribeInvocationsResponse
    {
        try gate()
        return try await base.describeInvocations(request, region: region)
    }

    func describeInvocationTasks(_ request: DescribeInvocationTasksRequest, region: String?) async throws
        -> DescribeInvocationTasksResponse
    {
        try gate()
        return try await base.describeInvocationTasks(request, region: region)
    }

    var clockSkewSeconds: Double { base.clockSkewSeconds }

    private func gate() throws {
        if health.isUnavailable, let problem = health.problem { throw StoreError.unavailable(problem) }
    }
}
