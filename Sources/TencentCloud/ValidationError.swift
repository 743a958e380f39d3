/// A request broke a documented TAT limit; raised before anything is sent. Never retryable.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The action whose request is invalid, e.g. `DescribeInvocations`.
    public var action: String
    /// Every problem found, one sentence each, e.g. `Limit must be 1…100, got 0`.
    public var problems: [String]

    /// Creates the error.
    public init(action: String, problems: [String]) {
        self.action = action
        self.problems = problems
    }

    /// `invalid DescribeInvocations request: <problem>; <problem>`.
    public var description: String {
        "invalid \(action) request: " + problems.joined(separator: "; ")
    }
}

/// The documented request limits shared by both actions.
public enum RequestLimits {
    /// At most this many ids per request.
    public static let maxIds = 100
    /// At most this many filters per request.
    public static let maxFilters = 10
    /// At most this many values per filter.
    public static let maxFilterValues = 5
    /// `Limit` range.
    public static let limitRange = 1...100

    static func problems(
        ids: [String]?, idsField: String, filters: [Filter]?, allowedFilterNames: Set<String>, limit: Int?,
        offset: Int?
    ) -> [String] {
        var found: [String] = []
        if let ids {
            if ids.count > maxIds { found.append("\(idsField) holds \(ids.count) ids, at most \(maxIds) allowed") }
            if ids.contains(where: \.isEmpty) { found.append("\(idsField) contains an empty id") }
        }
        if let filters {
            if filters.count > maxFilters {
                found.append("Filters holds \(filters.count) filters, at most \(maxFilters) allowed")
            }
            let known = allowedFilterNames.sorted().joined(separator: ", ")
            for (index, filter) in filters.enumerated() where !allowedFilterNames.contains(filter.name) {
                found.append("Filters[\(index)].Name \"\(filter.name)\" is unknown (known: \(known))")
            }
            for (index, filter) in filters.enumerated() {
                if filter.values.count > maxFilterValues {
                    found.append(
                        "Filters[\(index)] (\(filter.name)) holds \(filter.values.count) values, "
                            + "at most \(maxFilterValues) allowed")
                } else if filter.values.isEmpty {
                    found.append("Filters[\(index)] (\(filter.name)) has no values")
                }
            }
        }
        if ids != nil, filters != nil {
            found.append("\(idsField) and Filters cannot be sent together")
        }
        if let limit, !limitRange.contains(limit) {
            found.append("Limit must be \(limitRange.lowerBound)…\(limitRange.upperBound), got \(limit)")
        }
        if let offset, offset < 0 { found.append("Offset must be ≥ 0, got \(offset)") }
        return found
    }
}
