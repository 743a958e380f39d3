extension TATClient {
    /// Every invocation matching `filters` (nil: all), walking pages by `Offset` until `TotalCount`.
    ///
    /// Stops early on an empty page; drops duplicates by `InvocationId` (pages can shift while walked),
    /// keeping the first occurrence. Invocations without an id are kept.
    /// - Parameters:
    ///   - pageSize: `Limit` per call, 1…100. Default 100.
    ///   - maxPages: a guard against a server whose `TotalCount` never converges. Default 10,000.
    public func allInvocations(
        filters: [Filter]? = nil, pageSize: Int = 100, region: String? = nil, maxPages: Int = 10_000
    ) async throws -> [Invocation] {
        try await Self.walk(pageSize: pageSize, maxPages: maxPages, id: \Invocation.invocationId) { offset in
            let page = try await describeInvocations(
                DescribeInvocationsRequest(filters: filters, limit: pageSize, offset: offset), region: region)
            return (page.invocationSet, page.totalCount)
        }
    }

    /// Every task matching `filters` (nil: all), walking pages like `allInvocations`, deduplicated by
    /// `InvocationTaskId`. `hideOutput` defaults to true (the server's default).
    public func allInvocationTasks(
        filters: [Filter]? = nil, hideOutput: Bool = true, pageSize: Int = 100, region: String? = nil,
        maxPages: Int = 10_000
    ) async throws -> [InvocationTask] {
        try await Self.walk(pageSize: pageSize, maxPages: maxPages, id: \InvocationTask.invocationTaskId) { offset in
            let page = try await describeInvocationTasks(
                DescribeInvocationTasksRequest(
                    filters: filters, limit: pageSize, offset: offset, hideOutput: hideOutput),
                region: region)
            return (page.invocationTaskSet, page.totalCount)
        }
    }

    /// The paging walk shared by both actions: fetch at offsets 0, n, 2n… until the offset reaches the
    /// latest total, a page comes back empty, or `maxPages` pages were read.
    static func walk<Item>(
        pageSize: Int, maxPages: Int, id: KeyPath<Item, String?>,
        fetch: (_ offset: Int) async throws -> (items: [Item], total: Int)
    ) async throws -> [Item] {
        var items: [Item] = []
        var seen: Set<String> = []
        var offset = 0
        for _ in 0..<max(1, maxPages) {
            let page = try await fetch(offset)
            if page.items.isEmpty { break }
            for item in page.items {
                if let key = item[keyPath: id] {
                    guard seen.insert(key).inserted else { continue }
                }
                items.append(item)
            }
            offset += page.items.count
            if offset >= page.total { break }
        }
        return items
    }
}
