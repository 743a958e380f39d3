import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import Rules
import ServiceLifecycle
import Timekeeping
import UnixSignals

/// Hot reload of the rules file when its content (or that of a `${file:}` it names) changes, and on
/// SIGHUP. The new file is validated completely and swapped atomically; a bad file keeps the last good
/// rules and its problems are logged. Reloading never re-sends anything: the outbox holds what was
/// already decided.
///
/// Change detection works with Kubernetes ConfigMap and Secret volumes, whose files are symlinks
/// through a `..data` symlink the kubelet swaps atomically (no event ever names the file itself): the
/// rules file's directory and each `${file:}` file's directory are watched for every event, and on each
/// the paths are resolved again and the contents compared with what was last loaded — a reload happens
/// only when they differ. Because events can be missed, the contents are also compared every
/// ``recheckInterval`` (default 30 s). SIGHUP always reloads.
///
/// Metrics: `tattle_rules_reload_success` (1 or 0 for the last attempt),
/// `tattle_rules_reload_timestamp_seconds`, `tattle_rules_reloads_total{outcome}`.
struct RulesReloader: Service {
    /// Every attempt's outcome, for the status page and `POST /api/v1/reload`.
    let status = ReloadStatus()
    let file: URL
    let holder: RulesHolder
    let logger: Logger
    /// How often the contents are compared even without an event. Default 30 s.
    var recheckInterval: Duration = .seconds(30)
    /// How long to let a writer finish after an event (several arrive for one save). Default 150 ms.
    var settleDelay: Duration = .milliseconds(150)
    /// Runs after new rules are applied; its text (e.g. how many deliveries are held for removed
    /// receivers) ends the reload log line. Default none.
    var afterApply: (@Sendable () async -> String?)?
    /// What the rules in `holder` were loaded from, read when the reloader is created (right after the
    /// first load), so a change made before `run()` starts is still seen.
    private let initial: RulesFingerprint

    init(file: URL, holder: RulesHolder, logger: Logger, afterApply: (@Sendable () async -> String?)? = nil) {
        self.file = file
        self.holder = holder
        self.logger = logger
        self.afterApply = afterApply
        self.initial = RulesFingerprint(file: file)
    }

    func run() async throws {
        let success = Gauge(label: "tattle_rules_reload_success")
        let timestamp = Gauge(label: "tattle_rules_reload_timestamp_seconds")
        success.record(1)
        timestamp.record(Date().timeIntervalSince1970)
        var loaded = initial
        let monitor = FileChangeMonitor(directories: loaded.directories.map { URL(fileURLWithPath: $0) })
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let fileChanges = monitor.changes().map { "file change" }
        let hangups = signals.map { _ in "SIGHUP" }
        let ticks = AsyncTimerSequence(interval: recheckInterval, clock: .continuous).map { _ in "periodic check" }
        defer { monitor.stop() }
        // The watches exist from here on; a change made since the first load is caught now.
        let current = RulesFingerprint(file: file)
        if current != loaded {
            loaded = current
            await reload(trigger: "changed before the watch started", success: success, timestamp: timestamp)
        }
        logger.info(
            "watching the rules for changes",
            metadata: [
                "directories": "\(monitor.watched.joined(separator: ","))",
                "recheck_seconds": "\(Int(recheckInterval.seconds.rounded()))",
            ])
        for await trigger in merge(fileChanges, hangups, ticks).cancelOnGracefulShutdown() {
            if trigger == "file change" { try? await Task.sleep(for: settleDelay) }
            let now = RulesFingerprint(file: file)
            monitor.watch(now.directories)
            guard trigger == "SIGHUP" || now != loaded else { continue }
            loaded = now
            await reload(trigger: trigger, success: success, timestamp: timestamp)
        }
    }

    func reload(trigger: String, success: Gauge, timestamp: Gauge) async {
        timestamp.record(Date().timeIntervalSince1970)
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            success.record(0)
            status.record(outcome: "unreadable", trigger: trigger, problems: ["cannot read \(file.path)"])
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "unreadable")]).increment()
            logger.error(
                "rules reload (\(trigger)) failed: cannot read \(file.path); keeping the previous rules",
                metadata: ["error": "\(error.localizedDescription)"])
            return
        }
        let outcome = holder.reload(data: data)
        let problems = outcome.diagnostics.listed()
        if outcome.applied {
            success.record(1)
            SecretScrubber.shared.register(holder.current.secrets)
            status.record(outcome: "applied", trigger: trigger, problems: problems.map { "\($0)" })
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "applied")]).increment()
            let extra = await afterApply?().map { "; \($0)" } ?? ""
            logger.notice(
                "rules reloaded (\(trigger)): \(outcome.ruleCount) rules, \(outcome.receiverCount) receivers\(extra)")
            for warning in problems { logger.warning("rules: \(warning)") }
        } else {
            success.record(0)
            status.record(outcome: "rejected", trigger: trigger, problems: problems.map { "\($0)" })
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "rejected")]).increment()
            let joined = problems.map { "\($0)" }.joined(separator: "; ")
            logger.error("rules reload (\(trigger)) rejected; keeping the previous rules: \(joined)")
        }
    }
}
