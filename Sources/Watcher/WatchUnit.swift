/// What one region poller watches: one Tencent Cloud account in one region. Units are what replicas
/// share out (one lease each) and what the supervisor starts and stops.
public struct WatchUnit: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name of the account a single-account setup watches (no `accounts` in the rules file).
    public static let defaultAccount = "default"

    /// The account's name from the rules file; ``defaultAccount`` for the implicit one.
    public var account: String
    /// The Tencent Cloud region, e.g. `ap-guangzhou`.
    public var region: String

    /// Creates a unit; `account` defaults to ``defaultAccount``.
    public init(account: String = WatchUnit.defaultAccount, region: String) {
        self.account = account
        self.region = region
    }

    /// The key the store files this unit's snapshot, tombstones and leases under: the bare region for
    /// the default account (so state directories written before accounts existed stay valid),
    /// `"<account>/<region>"` for a named account. Account names cannot contain `/`.
    public var key: String { account == Self.defaultAccount ? region : "\(account)/\(region)" }

    /// The unit a ``key`` names (a key without `/` is the default account's region); nil for an empty
    /// account or region.
    public init?(key: String) {
        if let slash = key.firstIndex(of: "/") {
            let account = String(key[..<slash])
            let region = String(key[key.index(after: slash)...])
            guard !account.isEmpty, !region.isEmpty, account != Self.defaultAccount else { return nil }
            self.init(account: account, region: region)
        } else {
            guard !key.isEmpty else { return nil }
            self.init(region: key)
        }
    }

    /// Whether this is the default account's unit (unlabelled in metrics, keyed by the bare region).
    public var isDefaultAccount: Bool { account == Self.defaultAccount }

    /// The ``key``.
    public var description: String { key }

    /// Ordered by account, then region.
    public static func < (lhs: WatchUnit, rhs: WatchUnit) -> Bool {
        (lhs.account, lhs.region) < (rhs.account, rhs.region)
    }
}
