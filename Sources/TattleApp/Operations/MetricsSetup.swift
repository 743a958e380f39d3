import Metrics
import Prometheus
import Synchronization

/// Installs the swift-metrics backend once per process: a Prometheus registry that the status
/// endpoint renders at `/metrics`.
public enum MetricsSetup {
    private static let state = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics with Prometheus (first call) and returns the registry.
    @discardableResult
    public static func bootstrap() -> PrometheusCollectorRegistry {
        state.withLock { current in
            if let current { return current }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                .seconds(1), .milliseconds(2500), .seconds(5), .seconds(15), .seconds(30),
            ]
            MetricsSystem.bootstrap(factory)
            current = registry
            return registry
        }
    }

    /// The registry, if metrics were bootstrapped.
    public static var registry: PrometheusCollectorRegistry? { state.withLock { $0 } }
}
