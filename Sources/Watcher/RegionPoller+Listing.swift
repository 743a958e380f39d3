import Events
import Logging
import TencentCloud

extension RegionPoller {
    /// API error codes meaning "that invocation id does not exist (any more)".
    static let notFoundCodes: Set<String> = [
        "ResourceNotFound.InvocationNotFound", "InvalidParameterValue.InvalidInvocationId",
    ]

    /// (a) Refreshes `ids` by `InvocationIds`, 100 per call. Ids asked for and not returned go to
    /// `absent`; a batch rejected because an id no longer exists is split until the id is isolated.
    func refresh(ids: [String], into observed: inout [String: ObservedInvocation], absent: inout Set<String>)
        async throws
    {
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.pageSize, ids.count)])
            try await refreshBatch(batch, into: &observed, absent: &absent)
            start += Self.pageSize
        }
    }

    private func refreshBatch(
        _ batch: [String], into observed: inout [String: ObservedInvocation], absent: inout Set<String>
    ) async throws {
        let response: DescribeInvocationsResponse
        do {
            response = try await listCall(
                DescribeInvocationsRequest(invocationIds: batch, limit: Self.pageSize, offset: 0))
        } catch let error as APIError where Self.notFoundCodes.contains(error.code) {
            if batch.count == 1 {
                absent.insert(batch[0])
                return
            }
            let middle = batch.count / 2
            try await refreshBatch(Array(batch[..<middle]), into: &observed, absent: &absent)
            try await refreshBatch(Array(batch[middle...]), into: &observed, absent: &absent)
            return
        }
        let page = try observations(response)
        guard response.totalCount <= page.count else {
            throw PollError(
                code: .incompleteListing,
                message: "refresh of \(batch.count) ids returned \(page.count) of TotalCount \(response.totalCount)",
                requestId: response.requestId)
        }
        let wanted = Set(batch)
        for observation in page where wanted.contains(observation.id) { observed[observation.id] = observation }
        for id in batch where observed[id] == nil { absent.insert(id) }
    }

    /// (b) Pages from `offset` (100 per page, with the configured filters) until a page brings
    /// nothing unknown (neither `tracked` nor already observed), the listing ends, or the per-cycle page cap is reached (then `resumeOffset`
    /// says where to continue next cycle). Order is not trusted: every row is deduplicated by id.
    func discover(
        from offset: Int, tracked: [String: InvocationState], into observed: inout [String: ObservedInvocation]
    ) async throws -> (resumeOffset: Int?, totalCount: Int) {
        var offset = offset
        var pages = 0
        var total = 0
        while true {
            let response = try await listCall(
                DescribeInvocationsRequest(
                    filters: configuration.filters.tatFilters, limit: Self.pageSize, offset: offset))
            let page = try observations(response)
            total = response.totalCount
            pages += 1
            var unknown = 0
            for observation in page {
                if tracked[observation.id] == nil, observed[observation.id] == nil { unknown += 1 }
                observed[observation.id] = observation
            }
            offset += page.count
            if unknown == 0 || page.isEmpty || offset >= response.totalCount { return (nil, total) }
            if pages >= configuration.maxDiscoveryPages {
                logger.notice("discovery page cap reached; continuing next cycle", metadata: ["offset": "\(offset)"])
                return (offset, total)
            }
        }
    }

    /// (c) Pages through every invocation matching the filters. Returns whether the listing is
    /// complete: it reached the end and saw at least as many distinct ids as the smallest TotalCount
    /// any page reported (rows shifting between pages only ever repeat a row when new invocations
    /// arrive at the head; a shortfall means something moved past the cursor).
    func listAll(into observed: inout [String: ObservedInvocation]) async throws -> Bool {
        var offset = 0
        var smallestTotal = Int.max
        var seen = Set<String>()
        for _ in 0..<configuration.maxListingPages {
            let response = try await listCall(
                DescribeInvocationsRequest(
                    filters: configuration.filters.tatFilters, limit: Self.pageSize, offset: offset))
            let page = try observations(response)
            smallestTotal = min(smallestTotal, response.totalCount)
            for observation in page {
                seen.insert(observation.id)
                observed[observation.id] = observation
            }
            offset += page.count
            if page.isEmpty || offset >= response.totalCount {
                let complete = seen.count >= smallestTotal
                if !complete {
                    logger.notice(
                        "full listing incomplete; no removals this time",
                        metadata: ["seen": "\(seen.count)", "total": "\(smallestTotal)"])
                }
                return complete
            }
        }
        logger.warning("full listing stopped at the page cap", metadata: ["pages": "\(configuration.maxListingPages)"])
        return false
    }

    /// One `DescribeInvocations` call, counted.
    func listCall(_ request: DescribeInvocationsRequest) async throws -> DescribeInvocationsResponse {
        do {
            let response = try await reader.describeInvocations(request, region: region)
            cycleCalls += 1
            metrics.apiCall(action: "DescribeInvocations", outcome: "success")
            return response
        } catch {
            cycleCalls += 1
            metrics.apiCall(action: "DescribeInvocations", outcome: error.outcomeLabel)
            throw error
        }
    }

    /// The page's observations; throws when an entry is malformed (the page is not trusted at all).
    func observations(_ response: DescribeInvocationsResponse) throws -> [ObservedInvocation] {
        var page: [ObservedInvocation] = []
        page.reserveCapacity(response.invocationSet.count)
        for invocation in response.invocationSet {
            guard let observation = Mapping.observation(invocation) else {
                throw PollError(
                    code: .malformedPage,
                    message: "an invocation without id or status (id: \(invocation.invocationId ?? "none"))",
                    requestId: response.requestId)
            }
            page.append(observation)
        }
        return page
    }
}
