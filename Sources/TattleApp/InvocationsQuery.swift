import Foundation
import TencentCloud

/// `tattle invocations`: one `DescribeInvocations` page, or every page, printed as pretty JSON.
public struct InvocationsQuery: Sendable, Hashable {
    /// Invocation ids (`--id`); more than 100 only with `all`, fetched in batches of 100. Default none.
    public var ids: [String]
    /// Filters (`--filter name=v1,v2`). Default none.
    public var filters: [Filter]
    /// `Limit` of a single page, 1…100. Default nil (the server's 20); page size of `all` (default 100).
    public var limit: Int?
    /// `Offset` of a single page. Default nil (0). Not allowed with `all`.
    public var offset: Int?
    /// Walk every page (`--all`). Default false.
    public var all: Bool

    /// Creates a query; every argument defaults to "not given".
    public init(ids: [String] = [], filters: [Filter] = [], limit: Int? = nil, offset: Int? = nil, all: Bool = false) {
        self.ids = ids
        self.filters = filters
        self.limit = limit
        self.offset = offset
        self.all = all
    }

    /// Parses `name=v1,v2` into a filter; values are split on commas and must not be empty.
    public static func parseFilter(_ text: String) throws(SettingsError) -> Filter {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SettingsError("filter \"\(text)\" is not name=value[,value…]")
        }
        let name = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let values = text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !values.isEmpty else { throw SettingsError("filter \"\(text)\" has no values") }
        return Filter(name: name, values: values)
    }

    /// Problems that do not depend on the server (the request's own limits are checked by `TATClient`).
    public func problems() -> [String] {
        var found: [String] = []
        if all, offset != nil { found.append("--offset cannot be combined with --all") }
        if !ids.isEmpty, !filters.isEmpty { found.append("--id and --filter cannot be combined") }
        if !all, ids.count > RequestLimits.maxIds {
            found.append("at most \(RequestLimits.maxIds) --id values without --all, got \(ids.count)")
        }
        return found
    }

    /// Runs the query and returns the response as pretty-printed JSON with sorted keys (and a final newline).
    ///
    /// With `all`, the output is `{"InvocationSet": […], "TotalCount": n}` over every page.
    /// - Throws: `ValidationError`, `APIError`, `ClientError` or `CancellationError`.
    public func run(client: TATClient) async throws -> [UInt8] {
        let found = problems()
        if !found.isEmpty { throw ValidationError(action: "invocations", problems: found) }
        let response: DescribeInvocationsResponse
        if !all {
            response = try await client.describeInvocations(
                DescribeInvocationsRequest(
                    invocationIds: ids.isEmpty ? nil : ids, filters: filters.isEmpty ? nil : filters, limit: limit,
                    offset: offset))
        } else if !ids.isEmpty {
            var set: [Invocation] = []
            for start in stride(from: 0, to: ids.count, by: RequestLimits.maxIds) {
                let batch = Array(ids[start..<min(start + RequestLimits.maxIds, ids.count)])
                set += try await client.describeInvocations(
                    DescribeInvocationsRequest(invocationIds: batch, limit: RequestLimits.maxIds)
                ).invocationSet
            }
            response = DescribeInvocationsResponse(totalCount: set.count, invocationSet: set)
        } else {
            let set = try await client.allInvocations(
                filters: filters.isEmpty ? nil : filters, pageSize: limit ?? RequestLimits.maxIds)
            response = DescribeInvocationsResponse(totalCount: set.count, invocationSet: set)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(response)) + Array("\n".utf8)
    }
}
