import Events
import Foundation
import Rules
import Store
import Watcher

/// Everything the status page and the admin API read or change, handed to ``StatusServer``.
public struct StatusSources: Sendable {
    /// The state database (outbox, events, silences): SQLite or PostgreSQL.
    public var store: any StateDatabase
    /// The rules in force (receivers, rendering of payloads).
    public var holder: RulesHolder
    /// The rules file, shown on the page.
    public var rulesFile: String
    /// Per region: polls and calls.
    public var regions: @Sendable () async -> [RegionStatus]
    /// The rules file's reload state.
    public var reloadStatus: ReloadStatus
    /// Reloads the rules file now and returns the outcome (`POST /api/v1/reload`).
    public var reload: @Sendable () async -> ReloadStatus.Snapshot?
    /// The admin token; disabled when none is configured.
    public var token: AdminToken
    /// The wall clock. Default `Date()`.
    public var now: @Sendable () -> Date

    public init(
        store: any StateDatabase, holder: RulesHolder, rulesFile: String,
        regions: @escaping @Sendable () async -> [RegionStatus], reloadStatus: ReloadStatus,
        reload: @escaping @Sendable () async -> ReloadStatus.Snapshot?, token: AdminToken,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.holder = holder
        self.rulesFile = rulesFile
        self.regions = regions
        self.reloadStatus = reloadStatus
        self.reload = reload
        self.token = token
        self.now = now
    }
}

extension StatusSources {
    /// The sources of a running daemon; the admin token comes from `TATTLE_ADMIN_TOKEN` or
    /// `TATTLE_ADMIN_TOKEN_FILE` (a bad setting throws a ``ConfigurationError``).
    init(daemon parts: Daemon.Parts, options: DaemonOptions, environment: [String: String]) throws {
        let supervisor = parts.supervisor
        let reloader = parts.reloader
        self.init(
            store: parts.store, holder: reloader.holder, rulesFile: options.rulesFile.path,
            regions: { await RegionStatus.of(supervisor.pollers) }, reloadStatus: reloader.status,
            reload: { await reloader.reloadNow() }, token: try AdminToken.resolve(environment: environment))
    }
}

/// One watch unit's polling (an account in a region), as the status page shows it.
public struct RegionStatus: Sendable, Hashable {
    public var region: String
    /// The account's name (`default` in a single-account setup). Default `default`.
    public var account: String = WatchUnit.defaultAccount
    /// When a cycle last committed; nil before the first.
    public var lastSuccessfulPoll: Date?
    /// API calls of the last committed cycle.
    public var callsPerCycle: Int?
    /// Invocations in the committed snapshot.
    public var tracked: Int
    /// Failed cycles since the last success.
    public var consecutiveFailures: Int

    public init(
        region: String, lastSuccessfulPoll: Date?, callsPerCycle: Int?, tracked: Int, consecutiveFailures: Int
    ) {
        self.region = region
        self.lastSuccessfulPoll = lastSuccessfulPoll
        self.callsPerCycle = callsPerCycle
        self.tracked = tracked
        self.consecutiveFailures = consecutiveFailures
    }

    /// The units of running pollers.
    public static func of(_ pollers: [RegionPoller]) async -> [RegionStatus] {
        var list: [RegionStatus] = []
        for poller in pollers {
            var status = RegionStatus(
                region: poller.region, lastSuccessfulPoll: poller.lastSuccessfulPoll,
                callsPerCycle: poller.lastCycleCalls, tracked: await poller.trackedCount,
                consecutiveFailures: await poller.consecutiveFailures)
            status.account = poller.unit.account
            list.append(status)
        }
        return list
    }

    /// The unit's ``Watcher/WatchUnit/label``.
    public var label: String { WatchUnit(account: account, region: region).label }
}

extension WatchUnit {
    /// How pages show a unit: the region, or `account / region` for a named account.
    var label: String { isDefaultAccount ? region : "\(account) / \(region)" }
}

extension Event {
    /// The ``Watcher/WatchUnit/label`` of the unit the event was seen in.
    var unitLabel: String { WatchUnit(account: account ?? WatchUnit.defaultAccount, region: region).label }
}
