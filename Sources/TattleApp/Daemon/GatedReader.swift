import Pipeline
import Store
import TencentCloud
import Watcher

/// A TAT reader that asks a gate before each call and forwards the call only when the gate lets it
/// through; otherwise the call throws the gate's error and TAT is not reached. The daemon stacks
/// two gates: ``databaseReachable(_:health:)`` and ``owned(_:unit:owns:)``.
struct GatedReader: TATReader {
    let base: any TATReader
    /// Returns when a call may reach TAT now; otherwise throws why it may not.
    let gate: @Sendable () throws -> Void

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
}

extension GatedReader {
    /// The reader the watcher polls through on PostgreSQL: while the latest database check found
    /// the database unreachable, each call fails at once with that reason (`StoreError.unavailable`)
    /// instead of reaching TAT, so a replica that could not commit a cycle does not poll one (the
    /// cycle fails, nothing is committed, and the watcher retries with its backoff; polling resumes
    /// when the check passes again).
    static func databaseReachable(_ base: any TATReader, health: DatabaseHealth) -> GatedReader {
        GatedReader(base: base) {
            if health.isUnavailable, let problem = health.problem { throw StoreError.unavailable(problem) }
        }
    }

    /// A unit's reader that calls the API only while this replica owns the unit: a replica that
    /// stalled past its lease (a long pause, a partition) and wakes mid-cycle does not poll a unit
    /// another replica took over, before its coordinator notices and stops the poller. Each call
    /// throws ``UnitFencing/NotOwned`` instead. `owns` says whether this replica may poll the unit
    /// (by key) now: it holds the lease, past the hand-over pause.
    static func owned(
        _ base: any TATReader, unit: String, owns: @escaping @Sendable (String) -> Bool
    ) -> GatedReader {
        GatedReader(base: base) {
            guard owns(unit) else { throw UnitFencing.NotOwned(unit: unit) }
        }
    }
}
