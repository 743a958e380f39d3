import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import Rules
import ServiceLifecycle
import UnixSignals

/// Hot reload of the rules file on change (inotify) and on SIGHUP. The new file is validated
/// completely and swapped atomically; a bad file keeps the last good rules and its problems are
/// logged. Reloading never re-sends anything: the outbox holds what was already decided.
///
/// Metrics: `tattle_rules_reload_success` (1 or 0 for the last attempt),
/// `tattle_rules_reload_timestamp_seconds`, `tattle_rules_reloads_total{outcome}`.
struct RulesReloader: Service {
    let file: URL
    let holder: RulesHolder
    let logger: Logger
    /// Runs after new rules are applied; its text (e.g. how many deliveries are held for removed
    /// receivers) ends the reload log line. Default none.
    var afterApply: (@Sendable () async -> String?)? = nil

    func run() async throws {
        let success = Gauge(label: "tattle_rules_reload_success")
        let timestamp = Gauge(label: "tattle_rules_reload_timestamp_seconds")
        success.record(1)
        timestamp.record(Date().timeIntervalSince1970)
        let monitor = FileChangeMonitor(path: file)
        let signals = await UnixSignalsSequence(trapping: .sighup)
        let fileChanges = monitor.changes().map { "file change" }
        let hangups = signals.map { _ in "SIGHUP" }
        defer { monitor.stop() }
        for await trigger in merge(fileChanges, hangups).cancelOnGracefulShutdown() {
            // Let an editor finish writing (several events arrive for one save).
            try? await Task.sleep(for: .milliseconds(150))
            await reload(trigger: trigger, success: success, timestamp: timestamp)
        }
    }

    func reload(trigger: String, success: Gauge, timestamp: Gauge) async {
        timestamp.record(Date().timeIntervalSince1970)
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            success.record(0)
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "unreadable")]).increment()
            logger.error(
                "rules reload (\(trigger)) failed: cannot read \(file.path); keeping the previous rules",
                metadata: ["error": "\(error.localizedDescription)"])
            return
        }
        let outcome = holder.reload(data: data)
        if outcome.applied {
            success.record(1)
            Self.registerSecrets(of: holder.current.ruleSet)
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "applied")]).increment()
            let extra = await afterApply?().map { "; \($0)" } ?? ""
            logger.notice(
                "rules reloaded (\(trigger)): \(outcome.ruleCount) rules, \(outcome.receiverCount) receivers\(extra)")
            for warning in outcome.diagnostics { logger.warning("rules: \(warning)") }
        } else {
            success.record(0)
            Counter(label: "tattle_rules_reloads_total", dimensions: [("outcome", "rejected")]).increment()
            let problems = outcome.diagnostics.map { "\($0)" }.joined(separator: "; ")
            logger.error("rules reload (\(trigger)) rejected; keeping the previous rules: \(problems)")
        }
    }

    /// Registers every receiver secret (URLs, signing secrets, SMTP passwords) with the log scrubber.
    static func registerSecrets(of ruleSet: RuleSet) {
        for receiver in ruleSet.receivers.values {
            SecretScrubber.shared.register([receiver.url, receiver.secret, receiver.email?.password].compactMap { $0 })
            if let url = receiver.url, let components = URLComponents(string: url) {
                SecretScrubber.shared.register(components.queryItems?.compactMap(\.value) ?? [])
                // Slack and Discord keep their tokens in the path: long segments are credentials.
                SecretScrubber.shared.register(components.path.split(separator: "/").map(String.init).filter { $0.count >= 16 })
            }
        }
    }
}
