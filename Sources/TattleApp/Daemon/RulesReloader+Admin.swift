import Metrics

extension RulesReloader {
    /// Reloads now (`POST /api/v1/reload`), exactly as a SIGHUP would, and returns the outcome.
    func reloadNow(trigger: String = "admin API") async -> ReloadStatus.Snapshot {
        await reload(
            trigger: trigger, success: Gauge(label: "tattle_rules_reload_success"),
            timestamp: Gauge(label: "tattle_rules_reload_timestamp_seconds"))
        return status.current(in: holder)
    }
}
