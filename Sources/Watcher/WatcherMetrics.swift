import Events
import Foundation
import Metrics
import Timekeeping

/// The watcher's metrics, created through an injectable factory (default: the global `MetricsSystem`).
///
/// Every series carries `region`; a named account's also carry `account` (the default account's keep
/// the labels they had before accounts existed, so single-account dashboards and alerts stay valid).
struct WatcherMetrics: Sendable {
    let factory: any MetricsFactory
    /// `region` and, for a named account, `account`.
    let unitDimensions: [(String, String)]

    init(unit: WatchUnit, factory: (any MetricsFactory)?) {
        unitDimensions = [("region", unit.region)] + (unit.isDefaultAccount ? [] : [("account", unit.account)])
        self.factory = factory ?? MetricsSystem.factory
    }

    /// `tattle_poll_cycles_total{region,outcome}`.
    func cycle(outcome: String) {
        Counter(
            label: "tattle_poll_cycles_total", dimensions: unitDimensions + [("outcome", outcome)], factory: factory
        )
        .increment()
    }

    /// `tattle_poll_duration_seconds{region}`.
    func duration(_ duration: Duration) {
        Metrics.Timer(label: "tattle_poll_duration_seconds", dimensions: unitDimensions, factory: factory)
            .recordNanoseconds(Int64(duration.seconds * 1e9))
    }

    /// `tattle_api_calls_total{region,action,outcome}`.
    func apiCall(action: String, outcome: String) {
        Counter(
            label: "tattle_api_calls_total",
            dimensions: unitDimensions + [("action", action), ("outcome", outcome)],
            factory: factory
        ).increment()
    }

    /// `tattle_api_malformed_records_total{region,action}`: records skipped (quarantined) as malformed.
    func malformedRecord(action: String) {
        Counter(
            label: "tattle_api_malformed_records_total", dimensions: unitDimensions + [("action", action)],
            factory: factory
        ).increment()
    }

    /// `tattle_unordered_listings_total{region}`: cycles whose listing had no usable order (full listing).
    func unorderedListing() {
        Counter(label: "tattle_unordered_listings_total", dimensions: unitDimensions, factory: factory)
            .increment()
    }

    /// `tattle_clock_skew_seconds{region}`: server time minus local time, when more than a minute.
    func clockSkew(_ seconds: Double) {
        Gauge(label: "tattle_clock_skew_seconds", dimensions: unitDimensions, factory: factory).record(seconds)
    }

    /// `tattle_events_total{region,type,status}`.
    func event(type: String, status: String) {
        Counter(
            label: "tattle_events_total", dimensions: unitDimensions + [("type", type), ("status", status)],
            factory: factory
        ).increment()
    }

    /// `tattle_tracked_invocations{region}`.
    func tracked(_ count: Int) {
        Gauge(label: "tattle_tracked_invocations", dimensions: unitDimensions, factory: factory).record(count)
    }

    /// `tattle_last_successful_poll_timestamp_seconds{region}`.
    func lastSuccess(_ date: Date) {
        Gauge(
            label: "tattle_last_successful_poll_timestamp_seconds", dimensions: unitDimensions, factory: factory
        )
        .record(date.timeIntervalSince1970)
    }
}
