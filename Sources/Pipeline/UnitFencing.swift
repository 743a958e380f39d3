import Store

/// How a replica's commits are fenced when several share one database: every cycle of a unit is
/// committed under the unit's lease (``CycleCommit/fence``), or not at all.
public struct UnitFencing: Sendable {
    /// The lease this replica holds `unit` under now, or nil when it does not own it.
    public var lease: @Sendable (_ unit: String) -> Lease?
    /// Called when the store refused a commit under `lease` (another replica took the unit over),
    /// so the unit is given up and its poller stopped.
    public var refused: @Sendable (_ lease: Lease) -> Void

    public init(lease: @escaping @Sendable (String) -> Lease?, refused: @escaping @Sendable (Lease) -> Void) {
        self.lease = lease
        self.refused = refused
    }

    /// A cycle of a unit this replica does not own (any more): nothing was committed.
    public struct NotOwned: Error, CustomStringConvertible {
        /// The unit key.
        public var unit: String
        public init(unit: String) { self.unit = unit }
        public var description: String { "\(unit) is not owned by this replica; its cycle is not committed" }
    }

    /// The fence for a commit of `unit`; throws ``NotOwned`` when there is none.
    func fence(_ unit: String) throws -> Lease {
        guard let lease = lease(unit) else { throw NotOwned(unit: unit) }
        return lease
    }
}
