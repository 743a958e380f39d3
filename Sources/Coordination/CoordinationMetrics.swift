import Metrics
import Store

/// What the coordinator reports at `/metrics`: `tattle_owned_units`, `tattle_owned_lanes`,
/// `tattle_live_replicas`, `tattle_lease_term{kind,name}` (the fencing term held, 0 when not held)
/// and `tattle_lease_changes_total{kind,change}` (`acquired`, `released`, `lost`).
public struct CoordinationMetrics: Sendable {
    let factory: any MetricsFactory

    /// - Parameter factory: default nil (the global `MetricsSystem`).
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory ?? MetricsSystem.factory
    }

    func record(_ ownership: Ownership) {
        Gauge(label: "tattle_owned_units", factory: factory).record(ownership.units.count)
        Gauge(label: "tattle_owned_lanes", factory: factory).record(ownership.lanes.count)
        Gauge(label: "tattle_live_replicas", factory: factory).record(ownership.replicas.count)
    }

    func term(_ kind: LeaseKind, _ name: String, _ term: Int64) {
        Gauge(label: "tattle_lease_term", dimensions: [("kind", kind.rawValue), ("name", name)], factory: factory)
            .record(term)
    }

    func changed(_ kind: LeaseKind, _ change: String) {
        Counter(
            label: "tattle_lease_changes_total", dimensions: [("kind", kind.rawValue), ("change", change)],
            factory: factory
        ).increment()
    }
}
