/// The input of `DescribeInvocationTasks`. Nil fields are omitted from the body.
///
/// Limits (checked by `validate()` before sending): at most 100 `invocationTaskIds`; at most 10
/// `filters` of at most 5 values each, named `invocation-task-id`, `invocation-id`, `instance-id` or
/// `command-id`; ids and filters not together; `limit` 1…100 (server default 20); `offset` ≥ 0.
public struct DescribeInvocationTasksRequest: Codable, Sendable, Hashable {
    /// The filter names the API accepts.
    public static let filterNames: Set<String> = ["invocation-task-id", "invocation-id", "instance-id", "command-id"]

    /// Task ids to describe (at most 100). Default nil.
    public var invocationTaskIds: [String]?
    /// Filters (at most 10). Default nil.
    public var filters: [Filter]?
    /// Page size, 1…100. Default nil (the server uses 20).
    public var limit: Int?
    /// Page offset, ≥ 0. Default nil (the server uses 0).
    public var offset: Int?
    /// Whether to hide `TaskResult.Output`. Default nil (the server hides it: send false to get output).
    public var hideOutput: Bool?

    /// Creates a request; every field defaults to nil.
    public init(
        invocationTaskIds: [String]? = nil, filters: [Filter]? = nil, limit: Int? = nil, offset: Int? = nil,
        hideOutput: Bool? = nil
    ) {
        self.invocationTaskIds = invocationTaskIds
        self.filters = filters
        self.limit = limit
        self.offset = offset
        self.hideOutput = hideOutput
    }

    /// Every problem with this request, empty when it is valid.
    public func problems() -> [String] {
        RequestLimits.problems(
            ids: invocationTaskIds, idsField: "InvocationTaskIds", filters: filters,
            allowedFilterNames: Self.filterNames, limit: limit, offset: offset)
    }

    /// Throws a `ValidationError` listing every problem, before anything is sent.
    public func validate() throws(ValidationError) {
        let found = problems()
        if !found.isEmpty { throw ValidationError(action: "DescribeInvocationTasks", problems: found) }
    }

    enum CodingKeys: String, CodingKey {
        case invocationTaskIds = "InvocationTaskIds"
        case filters = "Filters"
        case limit = "Limit"
        case offset = "Offset"
        case hideOutput = "HideOutput"
    }
}

/// The output of `DescribeInvocationTasks` (the object inside `Response`).
public struct DescribeInvocationTasksResponse: Codable, Sendable, Hashable {
    /// How many tasks match, over all pages. Missing decodes as 0.
    public var totalCount: Int
    /// This page. Missing or null decodes as [].
    public var invocationTaskSet: [InvocationTask]
    /// The request id. Default nil.
    public var requestId: String?

    /// Creates a response.
    public init(totalCount: Int = 0, invocationTaskSet: [InvocationTask] = [], requestId: String? = nil) {
        self.totalCount = totalCount
        self.invocationTaskSet = invocationTaskSet
        self.requestId = requestId
    }

    /// Decodes leniently: missing or null `TotalCount` and `InvocationTaskSet` give 0 and [].
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalCount = try container.decodeIfPresent(Int.self, forKey: .totalCount) ?? 0
        invocationTaskSet = try container.decodeIfPresent([InvocationTask].self, forKey: .invocationTaskSet) ?? []
        requestId = try container.decodeIfPresent(String.self, forKey: .requestId)
    }

    enum CodingKeys: String, CodingKey {
        case totalCount = "TotalCount"
        case invocationTaskSet = "InvocationTaskSet"
        case requestId = "RequestId"
    }
}
