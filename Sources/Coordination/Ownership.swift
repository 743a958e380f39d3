import Foundation
import Store

/// What one replica owns right now, as the coordinator publishes it: the units it may poll and the
/// lanes it may deliver, each with the lease (and fencing term) it holds them under.
public struct Ownership: Sendable, Hashable {
    /// This replica's id.
    public var replica: String
    /// Units to poll now, by unit key. A unit just taken over appears only after the hand-over pause.
    public var units: [String: Lease]
    /// Receiver lanes to deliver now, by receiver name. A lane being handed over is left out while
    /// its last sends finish.
    public var lanes: [String: Lease]
    /// The live replicas at the last successful renewal, sorted by id.
    public var replicas: [Replica]
    /// Every replica's leases as read at the last successful renewal (what each one owns).
    public var leases: [Lease]
    /// When leases were last renewed; nil before the first success or after a failure.
    public var renewedAt: Date?
    /// The last renewal failure (the database unreachable), already free of secrets; nil when fine.
    public var problem: String?

    public init(
        replica: String, units: [String: Lease] = [:], lanes: [String: Lease] = [:], replicas: [Replica] = [],
        leases: [Lease] = [], renewedAt: Date? = nil, problem: String? = nil
    ) {
        self.leases = leases
        self.replica = replica
        self.units = units
        self.lanes = lanes
        self.replicas = replicas
        self.renewedAt = renewedAt
        self.problem = problem
    }

    /// The lanes to claim, as ``OutboxStore/claimDue(now:limit:leaseUntil:receivers:)`` takes them.
    public var laneNames: Set<String> { Set(lanes.keys) }
    /// The units to poll.
    public var unitKeys: Set<String> { Set(units.keys) }
}
