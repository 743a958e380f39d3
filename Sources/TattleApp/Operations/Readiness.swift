import Coordination
import Foundation
import Synchronization

/// What `/readyz` reports: the daemon is ready when its rules are loaded, a poll succeeded within a
/// few intervals, and the state database accepts writes. With several replicas also when its
/// leases were renewed within their TTL; a replica that owns no unit (the others poll them all)
/// passes the poll check.
public final class Readiness: Sendable {
    private struct State {
        var rulesLoaded = false
        var lastSuccessfulPoll: Date?
        var startedAt = Date()
    }

    private let state = Mutex(State())
    /// Poll interval; readiness allows ``tolerance`` intervals since the last successful poll.
    public let pollInterval: Double
    /// Number of intervals without a successful poll before the daemon reports not ready; default 3
    /// (plus a 30 s allowance for the first poll and API backoff).
    public let tolerance: Double
    private let databaseProblem: @Sendable () async -> String?
    private let lastPoll: @Sendable () -> Date?
    private let ownership: (@Sendable () -> Ownership)?
    private let leaseTTL: Double

    /// - Parameters:
    ///   - lastSuccessfulPoll: reads the watcher's last successful poll (when set, it replaces
    ///     ``pollSucceeded(at:)``).
    ///   - ownership: with several replicas, the coordinator's view. Default nil (one process).
    ///   - leaseTTL: seconds a lease lasts; renewals older than this fail the `leases` check.
    public convenience init(
        pollInterval: Double, tolerance: Double = 3, databaseWritable: @escaping @Sendable () async -> Bool,
        lastSuccessfulPoll: @escaping @Sendable () -> Date? = { nil },
        ownership: (@Sendable () -> Ownership)? = nil, leaseTTL: Double = 15
    ) {
        self.init(
            pollInterval: pollInterval, tolerance: tolerance,
            databaseProblem: { await databaseWritable() ? nil : "state database not writable" },
            lastSuccessfulPoll: lastSuccessfulPoll, ownership: ownership, leaseTTL: leaseTTL)
    }

    /// - Parameters:
    ///   - databaseProblem: why the state database cannot be used now (`nil`: it can), shown by `/readyz`.
    ///   - lastSuccessfulPoll: reads the watcher's last successful poll (when set, it replaces
    ///     ``pollSucceeded(at:)``).
    ///   - ownership: with several replicas, the coordinator's view. Default nil (one process).
    ///   - leaseTTL: seconds a lease lasts; renewals older than this fail the `leases` check.
    public init(
        pollInterval: Double, tolerance: Double = 3, databaseProblem: @escaping @Sendable () async -> String?,
        lastSuccessfulPoll: @escaping @Sendable () -> Date? = { nil },
        ownership: (@Sendable () -> Ownership)? = nil, leaseTTL: Double = 15
    ) {
        self.ownership = ownership
        self.leaseTTL = leaseTTL
        self.pollInterval = pollInterval
        self.tolerance = tolerance
        self.databaseProblem = databaseProblem
        self.lastPoll = lastSuccessfulPoll
    }

    /// Records that a valid rule set is in force.
    public func rulesLoaded() { state.withLock { $0.rulesLoaded = true } }

    /// Records a successful poll cycle.
    public func pollSucceeded(at date: Date = Date()) { state.withLock { $0.lastSuccessfulPoll = date } }

    /// The checks, each with whether it passes and a short reason.
    public func check(now: Date = Date()) async -> [(name: String, ok: Bool, detail: String)] {
        var snapshot = state.withLock { $0 }
        if let polled = lastPoll() { snapshot.lastSuccessfulPoll = max(polled, snapshot.lastSuccessfulPoll ?? polled) }
        let allowance = pollInterval * tolerance + 30
        let pollOK: Bool
        let pollDetail: String
        if let last = snapshot.lastSuccessfulPoll {
            let age = now.timeIntervalSince(last)
            pollOK = age <= allowance
            pollDetail = String(format: "last successful poll %.1f s ago (limit %.0f s)", age, allowance)
        } else {
            pollOK = false
            pollDetail = "no successful poll yet"
        }
        let problem = await databaseProblem()
        var checks = [
            ("rules", snapshot.rulesLoaded, snapshot.rulesLoaded ? "rules loaded" : "no valid rules loaded"),
            ("poll", pollOK, pollDetail),
            ("database", problem == nil, problem ?? "state database writable"),
        ]
        if let ownership = ownership?() {
            if ownership.units.isEmpty, ownership.problem == nil,
                let renewed = ownership.renewedAt, now.timeIntervalSince(renewed) <= leaseTTL
            {
                checks[1] = ("poll", true, "owns no watch unit now (the other replicas poll them)")
            }
            checks.append(Self.leases(ownership, now: now, ttl: leaseTTL))
        }
        return checks
    }

    /// The `leases` check: renewed within the TTL, with what this replica owns.
    static func leases(_ ownership: Ownership, now: Date, ttl: Double) -> (name: String, ok: Bool, detail: String) {
        guard let renewed = ownership.renewedAt else {
            return ("leases", false, "leases not renewed: \(ownership.problem ?? "no renewal yet")")
        }
        let age = now.timeIntervalSince(renewed)
        let owned =
            "replica \(ownership.replica) owns \(ownership.units.count) units (\(ownership.units.keys.sorted().joined(separator: ", ")))"
            + " and \(ownership.lanes.count) lanes (\(ownership.lanes.keys.sorted().joined(separator: ", "))) of \(ownership.replicas.count) live replicas"
        return ("leases", age <= ttl, String(format: "renewed %.1f s ago (limit %.0f s); ", age, ttl) + owned)
    }
}
