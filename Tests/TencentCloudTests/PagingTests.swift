import Testing

@testable import TencentCloud

/// The paging walk as a pure function over a scripted `fetch`.
@Suite("Paging walk")
struct PagingTests {
    struct Item: Sendable, Equatable {
        var id: String?
    }

    /// Pages of `source` at the requested offset, with `total` reported.
    static func pages(_ source: [Item], total: Int? = nil, pageSize: Int) -> @Sendable (Int) -> ([Item], Int) {
        { offset in (Array(source.dropFirst(offset).prefix(pageSize)), total ?? source.count) }
    }

    @Test(
        "walks until the offset reaches TotalCount", arguments: [(0, 1), (1, 1), (99, 1), (100, 1), (101, 2), (250, 3)])
    func untilTotal(_ count: Int, _ expectedCalls: Int) async throws {
        let source = (0..<count).map { Item(id: "inv-\($0)") }
        let fetch = Self.pages(source, pageSize: 100)
        var offsets: [Int] = []
        let all = try await TATClient.walk(pageSize: 100, maxPages: 1000, id: \Item.id) { offset in
            offsets.append(offset)
            return fetch(offset)
        }
        #expect(all == source)
        #expect(offsets.count == expectedCalls)
    }

    @Test("duplicates across shifted pages are dropped; items without id are kept")
    func dedupe() async throws {
        let pages: [[Item]] = [[.init(id: "a"), .init(id: "b")], [.init(id: "b"), .init(id: nil)], [.init(id: "c")]]
        var index = 0
        let all = try await TATClient.walk(pageSize: 2, maxPages: 10, id: \Item.id) { _ in
            defer { index += 1 }
            return (pages[index], 5)
        }
        #expect(all == [.init(id: "a"), .init(id: "b"), .init(id: nil), .init(id: "c")])
    }

    @Test("an empty page stops the walk even when TotalCount says more")
    func emptyPageStops() async throws {
        var calls = 0
        let all = try await TATClient.walk(pageSize: 10, maxPages: 100, id: \Item.id) { offset in
            calls += 1
            return (offset == 0 ? [Item(id: "x")] : [], 1000)
        }
        #expect(all == [Item(id: "x")])
        #expect(calls == 2)
    }

    @Test("maxPages bounds a server whose total never converges")
    func maxPages() async throws {
        var calls = 0
        let all = try await TATClient.walk(pageSize: 1, maxPages: 5, id: \Item.id) { offset in
            calls += 1
            return ([Item(id: "i\(offset)")], Int.max)
        }
        #expect(all.count == 5)
        #expect(calls == 5)
    }

    @Test("errors from a page propagate")
    func errorsPropagate() async {
        await #expect(throws: APIError.self) {
            _ = try await TATClient.walk(pageSize: 1, maxPages: 5, id: \Item.id) { _ -> ([Item], Int) in
                throw APIError(code: "InternalError", message: "boom")
            }
        }
    }
}
