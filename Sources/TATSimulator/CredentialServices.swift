import Foundation
import TencentCloud
import Timekeeping

/// What the simulator's CVM metadata service and STS answer, and the temporary credentials they have
/// issued, which the TAT endpoint then accepts until they expire.
///
/// Every issued credential lasts ``lifetime`` of the simulator's wall clock (`Configuration.now`), so a
/// test with an injected clock makes credentials expire without waiting.
public struct CredentialServices: Sendable {
    /// A TKE OIDC provider STS trusts for `AssumeRoleWithWebIdentity`.
    public struct WebIdentity: Sendable, Hashable {
        /// The `ProviderId` expected.
        public var providerId: String
        /// The tokens accepted now; rotate by replacing them.
        public var acceptedTokens: Set<String>

        /// Creates the provider.
        public init(providerId: String, acceptedTokens: Set<String>) {
            self.providerId = providerId
            self.acceptedTokens = acceptedTokens
        }
    }

    /// One credential issued by the metadata service or STS.
    public struct Issued: Sendable, Hashable {
        /// The key pair and token.
        public var credentials: Credentials
        /// When the TAT endpoint stops accepting them.
        public var expiration: Date
        /// Who issued them: `metadata`, `AssumeRole` or `AssumeRoleWithWebIdentity`.
        public var issuer: String
    }

    /// The CAM role bound to the simulated CVM; nil: the metadata service answers 404 (no role bound).
    public var instanceRole: String?
    /// `placement/region`; nil: 404.
    public var region: String?
    /// Whether the metadata paths answer at all; false: 404 for every path (not a CVM). Default true.
    public var metadataEnabled: Bool
    /// The lifetime of every issued credential. Default 2 hours, as STS's default.
    public var lifetime: Duration
    /// The trusted TKE OIDC provider; nil: `AssumeRoleWithWebIdentity` is refused.
    public var webIdentity: WebIdentity?
    /// When true, credential requests (metadata role credentials, both STS actions) fail: the metadata
    /// service with HTTP 500, STS with `InternalError`. Default false.
    public var refusing: Bool
    /// Credentials issued so far, by SecretId.
    public internal(set) var issued: [String: Issued] = [:]
    /// Calls answered, by kind (`metadata`, `AssumeRole`, `AssumeRoleWithWebIdentity`, refusals `…Refused`).
    public internal(set) var calls: [String: Int] = [:]

    /// Creates the services; see each property for its default.
    public init(
        instanceRole: String? = nil, region: String? = "ap-guangzhou", metadataEnabled: Bool = true,
        lifetime: Duration = .seconds(7200), webIdentity: WebIdentity? = nil, refusing: Bool = false
    ) {
        self.instanceRole = instanceRole
        self.region = region
        self.metadataEnabled = metadataEnabled
        self.lifetime = lifetime
        self.webIdentity = webIdentity
        self.refusing = refusing
    }

    /// Issues a new temporary credential at `now`.
    mutating func issue(by issuer: String, now: Date) -> Issued {
        let serial = issued.count + 1
        let tag = String(serial, radix: 16).uppercased()
        let credentials = Credentials(
            secretId: "AKIDTMP" + String(repeating: "0", count: max(0, 8 - tag.count)) + tag + "SIM",
            secretKey: "sim-temporary-key-\(serial)-\(UInt32.random(in: 0...UInt32.max))",
            sessionToken: "sim-token-\(serial)-\(UInt64.random(in: 0...UInt64.max))")
        let record = Issued(
            credentials: credentials, expiration: now.addingTimeInterval(lifetime.seconds), issuer: issuer)
        issued[credentials.secretId] = record
        return record
    }

    mutating func count(_ kind: String) { calls[kind, default: 0] += 1 }
}
