import Events
import Logging

/// Where discovery stopped at its page cap, to continue next cycle.
struct DiscoveryResume: Sendable, Hashable {
    /// The order the listing had; the resume is dropped when the order changes.
    var order: Watcher.ListingOrder
    /// Newest first: the offset of the next page to read. Oldest first: the exclusive end of the
    /// next (lower) page to read. Offsets count from the head, which arrivals at the tail do not move.
    var boundary: Int
}

/// What discovery learnt in one cycle.
struct Discovery {
    /// The order of the listing; nil when it fit in one page (no order needed).
    var order: Watcher.ListingOrder?
    /// Set when the page cap stopped discovery before known ground.
    var resume: DiscoveryResume?
    /// The largest `TotalCount` seen.
    var totalCount: Int
}

extension RegionPoller {
    /// (b) Discovers new invocations: reads the head page (offset 0), learns the listing order from
    /// its `CreatedTime`s (ties by id), then pages from the end where new invocations appear until a
    /// page brings nothing unknown: newest first from offset 100 onwards, oldest first from the tail
    /// (`TotalCount − 100`) backwards. Returns a nil discovery when the listing is unordered (the
    /// head, or any later page, is not monotonic): only a full listing is safe then, and it can start
    /// after the returned head page.
    func discover(
        tracked: [String: InvocationState], resume: DiscoveryResume?, into reading: inout CycleReading
    ) async throws -> (discovery: Discovery?, head: PageRead) {
        let head = try await listPage(offset: 0, limit: Self.pageSize)
        let headUnknown = absorb(head, tracked: tracked, into: &reading)
        var result = Discovery(order: Watcher.ListingOrder.of(head.rows), totalCount: head.totalCount)
        if head.returned == 0 || head.returned >= head.totalCount { return (result, head) }
        guard let order = result.order, order != .unordered else { return (nil, head) }
        // The page cap counts the head only where it is where new invocations appear (newest first);
        // a continuation from last cycle's cap gets a budget of its own.
        var pages = order == .newestFirst ? 1 : 0
        var total = head.totalCount
        let start = order == .newestFirst ? head.returned : total
        var paging = Paging.knownGround
        if order == .oldestFirst || headUnknown > 0 {
            paging = try await page(
                order, from: start, adjacent: true, head: head, tracked: tracked, pages: &pages, total: &total,
                into: &reading)
        }
        if case .knownGround = paging, let resume, resume.order == order {
            pages = 0
            paging = try await page(
                order, from: resume.boundary, adjacent: false, head: head, tracked: tracked, pages: &pages,
                total: &total, into: &reading)
        }
        result.totalCount = total
        switch paging {
        case .knownGround: break
        case .capped(let boundary):
            logger.notice(
                "discovery page cap reached; continuing next cycle",
                metadata: ["boundary": "\(boundary)", "order": "\(order.rawValue)"])
            result.resume = DiscoveryResume(order: order, boundary: boundary)
        case .unordered: return (nil, head)
        }
        return (result, head)
    }

    enum Paging {
        case knownGround
        case capped(Int)
        case unordered
    }

    /// Pages away from `boundary` in the direction new invocations appear in `order` until a page
    /// brings nothing unknown, the listing (or the head page) is reached, or the page cap.
    /// `adjacent`: the first page read borders what was read before (so their order is checked too).
    private func page(
        _ order: Watcher.ListingOrder, from start: Int, adjacent: Bool, head: PageRead,
        tracked: [String: InvocationState], pages: inout Int, total: inout Int, into reading: inout CycleReading
    ) async throws -> Paging {
        var boundary = start
        var edge: ObservedInvocation? = adjacent && order == .newestFirst ? head.rows.last : nil
        let headEnd = head.returned
        while true {
            let offset: Int
            let limit: Int
            if order == .newestFirst {
                guard boundary < total else { return .knownGround }
                (offset, limit) = (boundary, Self.pageSize)
            } else {
                guard boundary > headEnd else { return .knownGround }
                offset = max(headEnd, boundary - Self.pageSize)
                limit = boundary - offset
            }
            if pages >= configuration.maxDiscoveryPages { return .capped(boundary) }
            let page = try await listPage(offset: offset, limit: limit)
            pages += 1
            guard Self.fits(page.rows, order: order, edge: edge, head: head) else { return .unordered }
            let unknown = absorb(page, tracked: tracked, into: &reading)
            if order == .newestFirst {
                boundary += page.returned
                edge = page.rows.last ?? edge
                total = page.totalCount
                if unknown == 0 || page.returned == 0 || boundary >= page.totalCount { return .knownGround }
            } else {
                boundary = offset
                edge = page.rows.first ?? edge
                if unknown == 0 || page.returned == 0 { return .knownGround }
            }
        }
    }

    /// Whether `rows` are monotonic in `order` and continue the listing read so far: newest first,
    /// after `edge` (the last row of the page before); oldest first, after the head page and before
    /// `edge` (the first row of the page read before, which lies further towards the tail).
    static func fits(
        _ rows: [ObservedInvocation], order: Watcher.ListingOrder, edge: ObservedInvocation?, head: PageRead
    ) -> Bool {
        if let inner = Watcher.ListingOrder.of(rows), inner != order { return false }
        guard let first = rows.first, let last = rows.last else { return true }
        if rows.count == 1, first.createdTime == nil { return false }
        switch order {
        case .newestFirst:
            return edge.map { order.allows($0, before: first) } ?? true
        case .oldestFirst:
            let afterHead = head.rows.last.map { order.allows($0, before: first) } ?? true
            return afterHead && (edge.map { order.allows(last, before: $0) } ?? true)
        case .unordered:
            return false
        }
    }

    /// Adds the page to the reading; returns how many of its rows were unknown (neither tracked nor
    /// read before in this cycle). Broken rows never count as unknown: they cannot be tracked.
    func absorb(_ page: PageRead, tracked: [String: InvocationState], into reading: inout CycleReading) -> Int {
        var unknown = 0
        for observation in page.rows {
            if tracked[observation.id] == nil, reading.observed[observation.id] == nil { unknown += 1 }
            reading.observed[observation.id] = observation
        }
        absorbQuarantine(page, into: &reading)
        return unknown
    }
}
