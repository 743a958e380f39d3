/// The input of `DescribeInvocations`. Nil fields are omitted from the body.
///
/// Limits (checked by `validate()` before sending): at most 100 `invocationIds`; at most 10 `filters`
/// of at most 5 values each, named `invocation-id`, `command-id`, `command-created-by` or
/// `instance-kind`; ids and filters not together; `limit` 1…100 (server default 20); `offset` ≥ 0
/// (server default 0).
public struct DescribeInvocationsRequest: Codable, Sendable, Hashable {
    /// The filter names the API accepts.
    public static let filterNames: Set<String> = ["invocation-id", "command-id", "command-created-by", "instance-kind"]

    /// Invocation ids to describe (at most 100). Default nil.
    public var invocationIds: [String]?
    /// Filters (at most 10). Default nil.
    public var filters: [Filter]?
    /// Page size, 1…100. Default nil (the server uses 20).
    public var limit: Int?
    /// Page offset, ≥ 0. Default nil (the server uses 0).
    public var offset: Int?

    /// Creates a request; every field defaults to nil.
    public init(invocationIds: [String]? = nil, filters: [Filter]? = nil, limit: Int? = nil, offset: Int? = nil) {
        self.invocationIds = invocationIds
        self.filters = filters
        self.limit = limit
        self.offset = offset
    }

    /// Every problem with this request, empty when it is valid.
    public func problems() -> [String] {
        RequestLimits.problems(
            ids: invocationIds, idsField: "InvocationIds", filters: filters, allowedFilterNames: Self.filterNames,
            limit: limit, offset: offset)
    }

    /// Throws a `ValidationError` listing every problem, before anything is sent.
    public func validate() throws(ValidationError) {
        let found = problems()
        if !found.isEmpty { throw ValidationError(action: "DescribeInvocations", problems: found) }
    }

    enum CodingKeys: String, CodingKey {
        case invocationIds = "InvocationIds"
        case filters = "Filters"
        case limit = "Limit"
        case offset = "Offset"
    }
}

/// The output of `DescribeInvocations` (the object inside `Response`).
public struct DescribeInvocationsResponse: Codable, Sendable, Hashable {
    /// How many invocations match, over all pages. Missing decodes as 0.
    public var totalCount: Int
    /// This page. Missing or null decodes as [].
    public var invocationSet: [Invocation]
    /// The request id. Default nil.
    public var requestId: String?

    /// Creates a response.
    public init(totalCount: Int = 0, invocationSet: [Invocation] = [], requestId: String? = nil) {
        self.totalCount = totalCount
        self.invocationSet = invocationSet
        self.requestId = requestId
    }

    /// Decodes leniently: missing or null `TotalCount` and `InvocationSet` give 0 and [].
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalCount = try container.decodeIfPresent(Int.self, forKey: .totalCount) ?? 0
        invocationSet = try container.decodeIfPresent([Invocation].self, forKey: .invocationSet) ?? []
        requestId = try container.decodeIfPresent(String.self, forKey: .requestId)
    }

    enum CodingKeys: String, CodingKey {
        case totalCount = "TotalCount"
        case invocationSet = "InvocationSet"
        case requestId = "RequestId"
    }
}
