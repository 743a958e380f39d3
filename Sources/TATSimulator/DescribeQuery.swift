import Foundation

/// The validated parameters of a `DescribeInvocations` or `DescribeInvocationTasks` request.
///
/// Error codes (tat-api.md §3 and §5): a body that is not a JSON object or a value of the wrong type →
/// `InvalidParameter`; a key the action does not know → `UnknownParameter`; ids and `Filters` together →
/// `InvalidParameter`; more than 100 ids or more than 10 filters → `InvalidParameterValue.LimitExceeded`;
/// more than 5 values in one filter → `LimitExceeded.FilterValueExceeded`; an unknown filter name →
/// `InvalidFilter`; an empty or out-of-enum filter value → `InvalidParameterValue.InvalidFilter`;
/// `Limit` outside 1…100 or a negative `Offset` → `InvalidParameterValue.Range`; a malformed id →
/// `InvalidParameterValue.InvalidInvocationId` / `.InvalidInvocationTaskId` / `.InvalidInstanceId`.
struct DescribeQuery: Sendable, Hashable {
    /// One `{Name, Values}` filter. Values are OR-ed, filters AND-ed.
    struct Filter: Sendable, Hashable {
        var name: String
        var values: [String]
    }

    var action: APIAction
    /// `InvocationIds` or `InvocationTaskIds`, nil when absent.
    var ids: [String]?
    var filters: [Filter] = []
    var limit = 20
    var offset = 0
    /// `HideOutput` of DescribeInvocationTasks; default true.
    var hideOutput = true
    /// Whether the request carried `Limit` / `Offset` (for the call log).
    var limitSent = false
    var offsetSent = false

    static let maxIds = 100
    static let maxFilters = 10
    static let maxValues = 5

    /// Parses and validates a request body for `action`.
    static func parse(action: APIAction, body: [UInt8]) throws(APIError) -> DescribeQuery {
        let root: [String: JSONValue]
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) {
            root = [:]
        } else {
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
                throw .invalidParameter("The request body is not a valid JSON object.")
            }
            root = object
        }
        var query = DescribeQuery(action: action)
        let idsKey = action.idsParameter
        for (key, value) in root.sorted(by: { $0.key < $1.key }) {
            switch key {
            case idsKey:
                guard let ids = value.strings else { throw .invalidParameter("`\(key)` must be an array of strings.") }
                query.ids = ids
            case "Filters":
                query.filters = try parseFilters(value)
            case "Limit":
                guard let limit = value.integer else { throw .invalidParameter("`Limit` must be an integer.") }
                guard (1...100).contains(limit) else {
                    throw APIError("InvalidParameterValue.Range", "`Limit` must be between 1 and 100, got \(limit).")
                }
                query.limit = Int(limit)
                query.limitSent = true
            case "Offset":
                guard let offset = value.integer else { throw .invalidParameter("`Offset` must be an integer.") }
                guard offset >= 0, offset <= Int64(Int32.max) else {
                    throw APIError("InvalidParameterValue.Range", "`Offset` must not be negative, got \(offset).")
                }
                query.offset = Int(offset)
                query.offsetSent = true
            case "HideOutput" where action == .describeInvocationTasks:
                guard case .bool(let hide) = value else { throw .invalidParameter("`HideOutput` must be a boolean.") }
                query.hideOutput = hide
            default:
                throw APIError("UnknownParameter", "The parameter `\(key)` is not recognized.")
            }
        }
        try query.validate()
        return query
    }

    private static func parseFilters(_ value: JSONValue) throws(APIError) -> [Filter] {
        guard case .array(let items) = value else { throw .invalidParameter("`Filters` must be an array.") }
        var filters: [Filter] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw .invalidParameter("`Filters.\(index)` must be an object with `Name` and `Values`.")
            }
            for key in object.keys.sorted() where key != "Name" && key != "Values" {
                throw APIError("UnknownParameter", "The parameter `Filters.\(index).\(key)` is not recognized.")
            }
            guard case .string(let name)? = object["Name"] else { throw .missingParameter("Filters.\(index).Name") }
            guard let values = object["Values"]?.strings else { throw .missingParameter("Filters.\(index).Values") }
            filters.append(Filter(name: name, values: values))
        }
        return filters
    }

    private func validate() throws(APIError) {
        if ids != nil, !filters.isEmpty {
            throw .invalidParameter("`\(action.idsParameter)` and `Filters` cannot be set at the same time.")
        }
        if let ids {
            guard ids.count <= Self.maxIds else {
                throw APIError(
                    "InvalidParameterValue.LimitExceeded",
                    "`\(action.idsParameter)` accepts at most \(Self.maxIds) ids, got \(ids.count).")
            }
            let kind: IdentifierKind = action == .describeInvocations ? .invocation : .invocationTask
            for id in ids where !kind.matches(id) { throw kind.invalid(id) }
        }
        guard filters.count <= Self.maxFilters else {
            throw APIError(
                "InvalidParameterValue.LimitExceeded",
                "At most \(Self.maxFilters) `Filters` are allowed, got \(filters.count).")
        }
        for filter in filters {
            guard action.filterNames.contains(filter.name) else {
                throw APIError(
                    "InvalidFilter",
                    "The filter name `\(filter.name)` is not supported. Supported: "
                        + action.filterNames.sorted().joined(separator: ", ") + ".")
            }
            guard filter.values.count <= Self.maxValues else {
                throw APIError(
                    "LimitExceeded.FilterValueExceeded",
                    "Filter `\(filter.name)` accepts at most \(Self.maxValues) values, got \(filter.values.count).")
            }
            guard !filter.values.isEmpty else {
                throw APIError("InvalidParameterValue.InvalidFilter", "Filter `\(filter.name)` has no values.")
            }
            try Self.validateValues(of: filter)
        }
    }

    private static func validateValues(of filter: Filter) throws(APIError) {
        let kind: IdentifierKind? =
            switch filter.name {
            case "invocation-id": .invocation
            case "invocation-task-id": .invocationTask
            case "instance-id": .instance
            case "command-id": .command
            default: nil
            }
        if let kind {
            for value in filter.values where !kind.matches(value) { throw kind.invalid(value) }
            return
        }
        let allowed: Set<String> = filter.name == "instance-kind" ? ["CVM", "LIGHTHOUSE"] : ["TAT", "USER"]
        for value in filter.values where !allowed.contains(value) {
            throw APIError(
                "InvalidParameterValue.InvalidFilter",
                "Filter `\(filter.name)` does not accept the value `\(value)`.")
        }
    }
}
