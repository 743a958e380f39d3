/// One place credentials can come from: the environment, a profile file, the CVM metadata service,
/// a TKE pod identity, or a role assumed on top of another source.
///
/// A source that is not configured where it runs ("variable not set", "no file", "no role bound",
/// "no metadata service") answers nil so a ``CredentialChain`` moves on to the next; a source that is
/// configured but broken throws a ``CredentialError`` saying what to fix, and the chain stops there.
public protocol CredentialSource: Sendable {
    /// What the source is, for the start-up log line: never a secret (e.g. `CVM instance role tattle-reader`).
    var name: String { get }

    /// Fetches current credentials, or nil when this source is not configured here.
    /// Called again for every refresh, so a rotating input (the TKE token file) is read each time.
    func resolve() async throws(CredentialError) -> ExpiringCredentials?
}
