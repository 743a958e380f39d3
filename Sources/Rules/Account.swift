/// One Tencent Cloud account the rules file's `accounts` section names: where its credentials come
/// from and which regions of it are watched. Validated by the loader; no secret is ever part of it
/// (credentials are named by environment variable, file or role, never written in the file).
public struct Account: Sendable, Hashable {
    /// The implicit account of a file without `accounts` (keyed in the store by the bare region).
    public static let defaultName = "default"

    /// Lower-case letters, digits, `-` and `_`, at most 63 characters (a `/` would break unit keys).
    public var name: String
    /// Regions to watch. nil: the daemon's regions (`--region`, `TATTLE_REGIONS`, the CVM's region).
    /// Empty: watched nowhere (an account that only serves as the base of an assumed role).
    public var regions: [String]?
    /// Where the account's credentials come from.
    public var credentials: CredentialSpec
    /// The TAT endpoint for this account, `http(s)://host[:port]` (e.g. the international site's
    /// `https://tat.intl.tencentcloudapi.com`). nil: the daemon's endpoint.
    public var endpoint: String?

    /// Creates an account.
    public init(name: String, regions: [String]? = nil, credentials: CredentialSpec = .chain, endpoint: String? = nil) {
        self.name = name
        self.regions = regions
        self.credentials = credentials
        self.endpoint = endpoint
    }

    /// The regions watched, with the daemon's regions filled in when the account names none.
    public func regions(default defaults: [String]) -> [String] { regions ?? defaults }
}

/// Where an account's credentials come from: any source of the credential chain, or a role assumed
/// with another account's credentials.
public enum CredentialSpec: Sendable, Hashable {
    /// The whole default chain over the process environment, as a single-account Tattle uses.
    case chain
    /// A key pair (and optional session token) from environment variables with these names.
    case environment(secretIdVariable: String, secretKeyVariable: String, sessionTokenVariable: String?)
    /// A profile file's section. `file` nil: the chain's files (`TENCENTCLOUD_CREDENTIALS_FILE`,
    /// `~/.tencentcloud/credentials`, `/etc/tencentcloud/credentials`).
    case profile(file: String?, section: String)
    /// TKE pod identity (the `TKE_*` variables), optionally exchanging the pod's token for another role.
    case tkeOIDC(roleArn: String?)
    /// The CAM role of this CVM instance (`role` nil: the role bound, asked of the metadata service).
    case cvmRole(role: String?)
    /// A role assumed with STS `AssumeRole`, signed with the credentials of the account `base`.
    case assumeRole(roleArn: String, base: String, sessionName: String?, durationSeconds: Int?)

    /// The `source` value naming the case in the rules file.
    public var source: String {
        switch self {
        case .chain: "chain"
        case .environment: "environment"
        case .profile: "profile"
        case .tkeOIDC: "tke-oidc"
        case .cvmRole: "cvm-role"
        case .assumeRole: "assume-role"
        }
    }

    /// Every `source` value, for messages and suggestions.
    public static let sources = ["chain", "environment", "profile", "tke-oidc", "cvm-role", "assume-role"]

    /// The account whose credentials this one's are derived from, if any.
    public var base: String? {
        if case .assumeRole(_, let base, _, _) = self { return base }
        return nil
    }
}
