import Events
import Logging
import TencentCloud

extension RegionPoller {
    /// API error codes meaning "that invocation id does not exist (any more)".
    static let notFoundCodes: Set<String> = [
        "ResourceNotFound.InvocationNotFound", "InvalidParameterValue.InvalidInvocationId",
    ]

    /// (a) Refreshes `ids` by `InvocationIds`, 100 per call. Ids asked for and not returned go to
    /// `reading.absent`; a batch rejected because an id no longer exists is split until the id is isolated.
    func refresh(ids: [String], into reading: inout CycleReading) async throws {
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + Self.pageSize, ids.count)])
            try await refreshBatch(batch, into: &reading)
            start += Self.pageSize
        }
    }

    private func refreshBatch(_ batch: [String], into reading: inout CycleReading) async throws {
        let response: DescribeInvocationsResponse
        do {
            response = try await listCall(
                DescribeInvocationsRequest(invocationIds: batch, limit: Self.pageSize, offset: 0))
        } catch let error as APIError where Self.notFoundCodes.contains(error.code) {
            if batch.count == 1 {
                reading.absent.insert(batch[0])
                return
            }
            let middle = batch.count / 2
            try await refreshBatch(Array(batch[..<middle]), into: &reading)
            try await refreshBatch(Array(batch[middle...]), into: &reading)
            return
        }
        let page = read(response)
        guard response.totalCount <= page.returned else {
            throw PollError(
                code: .incompleteListing,
                message: "refresh of \(batch.count) ids returned \(page.returned) of TotalCount \(response.totalCount)",
                requestId: response.requestId)
        }
        let wanted = Set(batch)
        for observation in page.rows where wanted.contains(observation.id) {
            reading.observed[observation.id] = observation
        }
        absorbQuarantine(page, into: &reading)
        for id in batch where !reading.saw(id) { reading.absent.insert(id) }
    }

    /// (c) Pages through every invocation matching the filters. Returns whether the listing is
    /// complete: it reached the end and saw at least as many distinct rows as the smallest TotalCount
    /// any page reported (rows shifting between pages only ever repeat a row when new invocations
    /// arrive; a shortfall means something moved past the cursor). Broken rows count as seen.
    /// `head`: page 0, already read this cycle (and already in `reading`), so the listing starts after it.
    func listAll(after head: PageRead? = nil, into reading: inout CycleReading) async throws -> Bool {
        var offset = 0
        var smallestTotal = Int.max
        var seen = Set<String>()
        var anonymous = 0
        for index in 0..<configuration.maxListingPages {
            let reused = index == 0 ? head : nil
            let page = if let reused { reused } else { try await listPage(offset: offset, limit: Self.pageSize) }
            smallestTotal = min(smallestTotal, page.totalCount)
            for observation in page.rows {
                seen.insert(observation.id)
                reading.observed[observation.id] = observation
            }
            seen.formUnion(page.quarantined)
            anonymous += page.malformed - page.quarantined.count
            if reused == nil { absorbQuarantine(page, into: &reading) }
            offset += page.returned
            if page.returned == 0 || offset >= page.totalCount {
                let complete = seen.count + anonymous >= smallestTotal
                if !complete {
                    logger.notice(
                        "full listing incomplete; no removals this time",
                        metadata: ["seen": "\(seen.count + anonymous)", "total": "\(smallestTotal)"])
                }
                return complete
            }
        }
        logger.warning("full listing stopped at the page cap", metadata: ["pages": "\(configuration.maxListingPages)"])
        return false
    }

    /// One page of the filtered listing.
    func listPage(offset: Int, limit: Int) async throws -> PageRead {
        read(
            try await listCall(
                DescribeInvocationsRequest(filters: configuration.filters.tatFilters, limit: limit, offset: offset)))
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

    /// The page's observations. A broken row (no id, no status, a task without id or status) is
    /// quarantined: skipped, counted in `tattle_api_malformed_records_total` and logged with the
    /// RequestId; the rest of the page is used, and the broken invocation keeps its last known state.
    func read(_ response: DescribeInvocationsResponse) -> PageRead {
        var page = PageRead(rows: [], quarantined: [], malformed: 0, totalCount: response.totalCount)
        page.rows.reserveCapacity(response.invocationSet.count)
        for invocation in response.invocationSet {
            if let observation = Mapping.observation(invocation) {
                page.rows.append(observation)
                continue
            }
            page.malformed += 1
            let id = invocation.invocationId.flatMap { $0.isEmpty ? nil : $0 }
            if let id { page.quarantined.append(id) }
            metrics.malformedRecord(action: "DescribeInvocations")
            logger.warning(
                "malformed invocation skipped; it keeps its last known state",
                metadata: [
                    "invocation_id": .string(id ?? "none"), "problem": .string(Mapping.problem(invocation)),
                    "request_id": .string(response.requestId ?? "none"),
                ])
        }
        return page
    }

    /// Records the page's quarantined rows in the cycle's reading.
    func absorbQuarantine(_ page: PageRead, into reading: inout CycleReading) {
        reading.quarantined.formUnion(page.quarantined)
        reading.malformedRows += page.malformed
    }
}
