/// A TAT filter: `{"Name": …, "Values": […]}`. Filters combine with AND, values within one with OR.
public struct Filter: Codable, Sendable, Hashable {
    /// The filter name, e.g. `invocation-id`.
    public var name: String
    /// The accepted values (at most 5).
    public var values: [String]

    /// Creates a filter.
    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }

    /// Decodes leniently: a missing name is "" and missing values are [] (validation reports them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case values = "Values"
    }
}
