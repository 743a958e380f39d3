import Events
import Logging
import TencentCloud

extension RegionPoller {
    /// (e) Fetches `DescribeInvocationTasks` (100 ids per call, output shown) for the tasks whose
    /// events need details and merges exit code, error, dropped bytes and the output tail into the
    /// events. A transient failure fails the cycle; a permanent API refusal (e.g. the task is gone)
    /// splits the batch until the refused id is isolated, so only its events go without details.
    func enrich(_ diff: inout Diff) async throws {
        let ids = diff.taskIdsNeedingDetails
        guard !ids.isEmpty else { return }
        var details: [String: TaskDetails] = [:]
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.pageSize, ids.count)])
            start += Self.pageSize
            try await fetchDetails(batch, events: diff.events, into: &details)
        }
        diff.enrich(with: details)
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
