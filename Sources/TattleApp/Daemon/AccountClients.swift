import Foundation
import Logging
import Rules
import Synchronization
import TencentCloud
import Watcher

/// The accounts the daemon watches, each with its own TAT client (its credentials, its endpoint), and
/// the watch units they make. ``apply(_:)`` brings them in line with the rules file's `accounts` at
/// start and after every reload: unchanged accounts keep their clients (and credentials), new and
/// changed ones are resolved (bases before the roles assumed with them), removed ones are dropped.
final class AccountClients: Sendable {
    struct Entry: Sendable {
        var account: Account
        var client: TATClient
        var provider: CredentialProvider
    }

    /// The daemon's endpoint and language (and, unless an account names its own, its endpoint).
    let settings: APISettings
    /// The regions of accounts that name none: `--region`, `TATTLE_REGIONS`, else the CVM's.
    let defaultRegions: [String]
    let credentials: AccountCredentials
    let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])

    init(settings: APISettings, defaultRegions: [String], credentials: AccountCredentials, logger: Logger) {
        self.settings = settings
        self.defaultRegions = defaultRegions
        self.credentials = credentials
        self.logger = logger
    }

    /// The client polling `unit`, nil when its account has none (not configured, credentials failed).
    func reader(for unit: WatchUnit) -> (any TATReader)? {
        entries.withLock { $0[unit.account]?.client }
    }

    /// Every unit of the accounts that have a client, sorted.
    var units: [WatchUnit] {
        entries.withLock { entries in
            entries.values.flatMap { entry in
                entry.account.regions(default: defaultRegions).map {
                    WatchUnit(account: entry.account.name, region: $0)
                }
            }.sorted()
        }
    }

    /// What one ``apply(_:)`` did.
    struct Outcome: Sendable {
        /// Accounts added, or whose credentials or endpoint changed (their pollers must restart).
        var renewed: Set<String> = []
        /// Accounts whose credentials could not be resolved, with the reason (never a secret).
        var failures: [(account: String, reason: String)] = []

        /// `accounts: 1 added or changed, 1 failed (audit: …)`, for the reload log line.
        var summary: String {
            var text = "accounts: \(renewed.count) added or changed"
            if !failures.isEmpty {
                text +=
                    ", \(failures.count) failed ("
                    + failures.map { "\($0.account): \($0.reason)" }.joined(separator: "; ") + ")"
            }
            return text
        }
    }

    /// Makes the clients match `accounts`. An account whose new credentials fail keeps its previous
    /// client, if it had one (a transient STS failure at reload must not stop its polling).
    func apply(_ accounts: [Account]) async -> Outcome {
        let previous = entries.withLock { $0 }
        var next: [String: Entry] = [:]
        var outcome = Outcome()
        for account in Self.basesFirst(accounts) {
            if account.regions == nil, defaultRegions.isEmpty {
                logger.warning(
                    "account names no regions and the daemon has none (--region, TATTLE_REGIONS): it is not watched",
                    metadata: ["account": "\(account.name)"])
            }
            let old = previous[account.name]
            let baseRenewed = account.credentials.base.map { outcome.renewed.contains($0) } ?? false
            if let old, old.account.credentials == account.credentials, old.account.endpoint == account.endpoint,
                !baseRenewed
            {
                next[account.name] = Entry(account: account, client: old.client, provider: old.provider)
                continue
            }
            do {
                let endpoint = try endpoint(of: account)
                let provider = try await credentials.provider(
                    for: account, endpoint: endpoint, bases: next.mapValues(\.provider))
                var accountSettings = settings
                accountSettings.endpoint = endpoint
                next[account.name] = Entry(
                    account: account, client: accountSettings.makeClient(credentialProvider: provider),
                    provider: provider)
                outcome.renewed.insert(account.name)
            } catch {
                let reason = SecretScrubber.shared.scrub("\(error)")
                outcome.failures.append((account.name, reason))
                if let old {
                    logger.error(
                        "account credentials failed; it keeps its previous credentials",
                        metadata: ["account": "\(account.name)", "error": "\(reason)"])
                    next[account.name] = old
                } else {
                    logger.error(
                        "account credentials failed; its regions are not watched until a reload fixes it",
                        metadata: ["account": "\(account.name)", "error": "\(reason)"])
                }
            }
        }
        entries.withLock { $0 = next }
        return outcome
    }

    private func endpoint(of account: Account) throws -> Endpoint {
        guard let text = account.endpoint else { return settings.endpoint }
        guard let endpoint = Endpoint(parsing: text) else {
            throw ConfigurationError("endpoint \"\(text)\" is not http(s)://host[:port]")
        }
        return endpoint
    }

    /// `accounts` ordered so that every base comes before the accounts assuming roles with it (the
    /// loader has refused unknown bases and cycles); otherwise in file order.
    static func basesFirst(_ accounts: [Account]) -> [Account] {
        var ordered: [Account] = []
        var placed: Set<String> = []
        var pending = accounts
        while !pending.isEmpty {
            let ready = pending.filter { account in account.credentials.base.map(placed.contains) ?? true }
            // Whatever is left names a base that is missing or circular: resolving it fails with a message.
            let batch = ready.isEmpty ? pending : ready
            ordered += batch
            placed.formUnion(batch.map(\.name))
            pending.removeAll { placed.contains($0.name) }
        }
        return ordered
    }
}
