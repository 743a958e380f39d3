import Foundation

/// One request the simulator received, for tests that check how a client uses the API.
public struct CallRecord: Sendable, Hashable {
    /// The `X-TC-Action` header as sent (empty when missing).
    public var action: String
    /// The `X-TC-Region` header as sent, if any.
    public var region: String?
    /// The SecretId the request was signed with (from `Authorization`; never the key), if any: tells
    /// apart callers holding different keys, e.g. the replicas of a high-availability test.
    public var secretId: String?
    /// When the request arrived, on the simulator's wall clock (`Configuration.now`).
    public var receivedAt: Date?
    /// Whether the body carried `InvocationIds` / `InvocationTaskIds`.
    public var usedIds: Bool = false
    /// How many ids the body carried.
    public var idCount: Int = 0
    /// The filter names the body carried, in order.
    public var filterNames: [String] = []
    /// Whether the body carried any filter.
    public var usedFilters: Bool { !filterNames.isEmpty }
    /// `Limit` when the body carried it.
    public var limit: Int?
    /// `Offset` when the body carried it.
    public var offset: Int?
    /// `HideOutput` of DescribeInvocationTasks (true when not sent).
    public var hideOutput: Bool?
    /// The number of items returned (nil for errors and faults).
    public var returnedCount: Int?
    /// The `TotalCount` returned (nil for errors and faults).
    public var totalCount: Int?
    /// The API error code returned, if any (injected API errors included).
    public var errorCode: String?
    /// The injected fault, if any.
    public var fault: FaultKind?

    /// Creates a record for a request of `action`.
    public init(action: String) { self.action = action }
}
