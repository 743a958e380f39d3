import Metrics
import Timekeeping

/// The delivery metrics, labelled by receiver **name** only (never a URL):
/// `tattle_deliveries_total{receiver,outcome}`, `tattle_delivery_duration_seconds{receiver}`,
/// `tattle_dead_letters_total{receiver}`.
public struct DeliveryMetrics: Sendable {
    /// Where the metrics go. Default `MetricsSystem.factory` (whatever the daemon bootstrapped).
    public var factory: any MetricsFactory

    /// Metrics sent to `factory`.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Counts one attempt's outcome.
    func attempt(receiver: String, outcome: Outcome, duration: Duration) {
        Counter(
            label: "tattle_deliveries_total", dimensions: [("receiver", receiver), ("outcome", outcome.label)],
            factory: factory
        ).increment()
        Metrics.Timer(
            label: "tattle_delivery_duration_seconds", dimensions: [("receiver", receiver)],
            preferredDisplayUnit: .seconds, factory: factory
        ).recordNanoseconds(duration.nanoseconds)
    }

    /// Counts rows that became dead letters.
    func deadLetters(receiver: String, count: Int) {
        Counter(label: "tattle_dead_letters_total", dimensions: [("receiver", receiver)], factory: factory)
            .increment(by: count)
    }
}
