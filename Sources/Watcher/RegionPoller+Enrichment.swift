import Events
import Logging
import TencentCloud

extension RegionPoller {
    /// (e) Fetches `DescribeInvocationTasks` (100 ids per call, output shown) for the tasks whose
    /// events need details and merges exit code, error, dropped bytes and the output tail into the
    /// events. A transient failure fails the cycle; a permanent API refusal (e.g. the task is gone)
    /// leaves the events without details.
    func enrich(_ diff: inout Diff) async throws {
        let ids = diff.taskIdsNeedingDetails
        guard !ids.isEmpty else { return }
        var details: [String: TaskDetails] = [:]
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.pageSize, ids.count)])
            start += Self.pageSize
            let request = DescribeInvocationTasksRequest(
                invocationTaskIds: batch, limit: Self.pageSize, offset: 0, hideOutput: false)
            do {
                let response = try await reader.describeInvocationTasks(request, region: region)
                cycleCalls += 1
                metrics.apiCall(action: "DescribeInvocationTasks", outcome: "success")
                for task in response.invocationTaskSet {
                    guard let id = task.invocationTaskId else { continue }
                    details[id] = Mapping.details(task, tailLimit: configuration.outputTailLimit)
                }
            } catch {
                cycleCalls += 1
                metrics.apiCall(action: "DescribeInvocationTasks", outcome: error.outcomeLabel)
                if error.isTransientForEnrichment { throw error }
                let owners = Set(
                    diff.events.compactMap { event in
                        event.task.flatMap { batch.contains($0.id) ? event.invocation.id : nil }
                    })
                var metadata: Logger.Metadata = [
                    "error": "\(error)", "task_ids": "\(batch.joined(separator: ","))",
                    "invocation_id": "\(owners.sorted().joined(separator: ","))",
                ]
                if let requestId = error.tatRequestId { metadata["request_id"] = .string(requestId) }
                logger.warning("task details refused; events go out without them", metadata: metadata)
            }
        }
        diff.enrich(with: details)
    }
}
