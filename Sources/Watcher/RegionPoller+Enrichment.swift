import Events
import Foundation
import Logging
import TencentCloud

extension RegionPoller {
    /// Task details fetched ahead of the cycle's diff, and every id asked for (refused ones included,
    /// so they are not asked for twice).
    struct Prefetch: Sendable {
        var details: [String: TaskDetails] = [:]
        var asked: Set<String> = []
    }

    /// (a) of a cycle with its enrichment: refreshes `ids`, then at once fetches the details of the
    /// tasks whose changes the refresh shows (the diff of the refreshed invocations alone picks them).
    func refreshAndPrefetch(ids: [String], previous: [String: InvocationState], now: Date) async throws
        -> (CycleReading, Prefetch)
    {
        var reading = CycleReading()
        try await refresh(ids: ids, into: &reading)
        guard !reading.observed.isEmpty else { return (reading, Prefetch()) }
        let early = differ.diff(
            previous: previous, observed: Array(reading.observed.values), tombstones: tombstones, now: now,
            region: region)
        var prefetch = Prefetch()
        try await fetchDetails(early.taskIdsNeedingDetails, events: early.events, into: &prefetch)
        return (reading, prefetch)
    }

    /// (e) Fetches `DescribeInvocationTasks` (100 ids per call, output shown) for the tasks whose
    /// events need details and merges exit code, error, dropped bytes and the output tail into the
    /// events. A transient failure fails the cycle; a permanent API refusal (e.g. the task is gone)
    /// splits the batch until the refused id is isolated, so only its events go without details.
    /// Ids in `prefetched` were asked for already this cycle: their details are used as they are.
    func enrich(_ diff: inout Diff, prefetched: Prefetch = Prefetch()) async throws {
        var prefetch = prefetched
        let ids = diff.taskIdsNeedingDetails.filter { !prefetch.asked.contains($0) }
        try await fetchDetails(ids, events: diff.events, into: &prefetch)
        diff.enrich(with: prefetch.details)
    }

    /// Fetches the details of `ids`, 100 per call, into `prefetch`.
    private func fetchDetails(_ ids: [String], events: [Event], into prefetch: inout Prefetch) async throws {
        prefetch.asked.formUnion(ids)
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.pageSize, ids.count)])
            start += Self.pageSize
            try await fetchDetails(batch, events: events, into: &prefetch.details)
        }
    }

    private func fetchDetails(_ batch: [String], events: [Event], into details: inout [String: TaskDetails])
        async throws
    {
        let request = DescribeInvocationTasksRequest(
            invocationTaskIds: batch, limit: Self.pageSize, offset: 0, hideOutput: false)
        do {
            let response = try await reader.describeInvocationTasks(request, region: region)
            cycleCalls += 1
            metrics.apiCall(action: "DescribeInvocationTasks", outcome: "success")
            for task in response.invocationTaskSet {
                guard let id = task.invocationTaskId, !id.isEmpty else {
                    metrics.malformedRecord(action: "DescribeInvocationTasks")
                    logger.warning(
                        "malformed task skipped", metadata: ["request_id": .string(response.requestId ?? "none")])
                    continue
                }
                details[id] = Mapping.details(task, tailLimit: configuration.outputTailLimit)
            }
        } catch {
            cycleCalls += 1
            metrics.apiCall(action: "DescribeInvocationTasks", outcome: error.outcomeLabel)
            if error.isTransientForEnrichment { throw error }
            if batch.count > 1 {
                let middle = batch.count / 2
                try await fetchDetails(Array(batch[..<middle]), events: events, into: &details)
                try await fetchDetails(Array(batch[middle...]), events: events, into: &details)
                return
            }
            let owners = Set(events.compactMap { event in event.task?.id == batch[0] ? event.invocation.id : nil })
            var metadata: Logger.Metadata = [
                "error": "\(error)", "task_id": .string(batch[0]),
                "invocation_id": "\(owners.sorted().joined(separator: ","))",
            ]
            if let requestId = error.tatRequestId { metadata["request_id"] = .string(requestId) }
            logger.warning("task details refused; its events go out without them", metadata: metadata)
        }
    }
}
