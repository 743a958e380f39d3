import Pipeline
import TencentCloud
import Watcher

/// A unit's TAT reader that calls the API only while this replica owns the unit: a replica that
/// stalled past its lease (a long pause, a partition) and wakes mid-cycle does not poll a unit
/// another replica took over, before its coordinator notices and stops the poller. Each call
/// throws ``UnitFencing/NotOwned`` instead.
struct OwnedUnitReader: TATReader {
    /// The unit key.
    let unit: String
    let base: any TATReader
    /// Whether this replica may poll the unit now (it holds the lease, past the hand-over pause).
    let owns: @Sendable (String) -> Bool

    func describeInvocations(_ request: DescribeInvocationsRequest, region: String?) async throws
        -> DescribeInvocationsResponse
    {
        guard owns(unit) else { throw UnitFencing.NotOwned(unit: unit) }
        return try await base.describeInvocations(request, region: region)
    }

    func describeInvocationTasks(_ request: DescribeInvocationTasksRequest, region: String?) async throws
        -> DescribeInvocationTasksResponse
    {
        guard owns(unit) else { throw UnitFencing.NotOwned(unit: unit) }
        return try await base.describeInvocationTasks(request, region: region)
    }

    var clockSkewSeconds: Double { base.clockSkewSeconds }
}
