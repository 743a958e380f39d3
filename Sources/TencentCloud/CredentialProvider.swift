import Foundation
import Logging
import Timekeeping

/// The credentials requests are signed with, kept fresh: permanent keys as given, temporary ones
/// fetched again from their ``CredentialSource`` before they expire.
///
/// Refresh never pauses the caller while the current credentials still work: once less than
/// ``Configuration/refreshWindow`` (default 5 minutes) remains, the next request starts one refresh in
/// the background and goes on with the current credentials. A refresh that fails keeps them until they
/// expire and is retried after ``Configuration/retryInterval`` (default 30 s). Only a caller holding no
/// usable credentials waits for the fetch, and gets a ``CredentialError`` saying what to fix if it fails.
public actor CredentialProvider {
    /// When to refresh and how often to retry.
    public struct Configuration: Sendable {
        /// Refresh when less than this remains before expiry. Default 5 minutes, as the SDKs do.
        public var refreshWindow: Duration
        /// Wait this long after a failed refresh before trying again. Default 30 s.
        public var retryInterval: Duration

        /// Creates a configuration; see each property for its default.
        public init(refreshWindow: Duration = .seconds(300), retryInterval: Duration = .seconds(30)) {
            self.refreshWindow = refreshWindow
            self.retryInterval = retryInterval
        }
    }

    /// The source's name, for logs (never a secret): `environment (TENCENTCLOUD_SECRET_ID)`, `static`, ….
    public nonisolated let sourceName: String
    private let source: (any CredentialSource)?
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let observer: (@Sendable (Credentials) -> Void)?
    private var cached: ExpiringCredentials?
    private var inFlight: Task<Result<ExpiringCredentials, CredentialError>, Never>?
    private var retryNotBefore: Date?
    private var refreshes = 0

    /// Fixed credentials that never expire (`sourceName` default `static`).
    public init(credentials: Credentials, sourceName: String = "static") {
        self.sourceName = sourceName
        self.source = nil
        self.configuration = Configuration()
        self.now = { Date() }
        self.logger = Logger(label: "tattle.credentials")
        self.observer = nil
        self.cached = ExpiringCredentials(credentials)
    }

    /// Credentials from `source`, starting with `initial` when the caller already fetched them.
    /// - Parameters:
    ///   - now: the wall clock expiry is judged by. Default `Date.init`.
    ///   - logger: default label `tattle.credentials`. Secrets are never logged.
    ///   - observer: called with `initial` and every refreshed credential (the daemon registers their
    ///     secrets with its log scrubber). Default none.
    public init(
        source: any CredentialSource, initial: ExpiringCredentials? = nil, configuration: Configuration = .init(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "tattle.credentials"),
        observer: (@Sendable (Credentials) -> Void)? = nil
    ) {
        self.sourceName = source.name
        self.source = source
        self.configuration = configuration
        self.now = now
        self.logger = logger
        self.observer = observer
        self.cached = initial
        if let initial { observer?(initial.credentials) }
    }

    /// The credentials to sign the next request with.
    /// - Throws: `CredentialError` when there are none that still work and fetching new ones failed.
    public func current() async throws(CredentialError) -> Credentials {
        let time = now()
        if let cached {
            guard let expiration = cached.expiration else { return cached.credentials }
            if time < expiration.addingTimeInterval(-configuration.refreshWindow.seconds) {
                return cached.credentials
            }
            if time < expiration {
                if retryNotBefore.map({ time >= $0 }) ?? true { _ = startRefresh() }
                return cached.credentials
            }
        }
        switch await startRefresh().value {
        case .success(let fresh): return fresh.credentials
        case .failure(let error):
            guard let cached, let expiration = cached.expiration else { throw error }
            throw CredentialError(
                .expired,
                "the credentials from \(sourceName) expired at \(TATTimeFormat.format(expiration)) and could not "
                    + "be refreshed: \(error)")
        }
    }

    /// The credentials and their expiry as last fetched (nil before the first fetch).
    public var snapshot: ExpiringCredentials? { cached }

    /// How many refreshes have succeeded since creation.
    public var refreshCount: Int { refreshes }

    /// Forgets temporary credentials the API refused (`AuthFailure.TokenFailure`), so the next request
    /// fetches new ones; permanent keys are kept. Only drops them if they are still the ones in use.
    public func invalidate(secretId: String) {
        guard source != nil, cached?.credentials.secretId == secretId else { return }
        logger.warning("the API refused the credentials from \(sourceName); fetching new ones")
        cached = nil
        retryNotBefore = nil
    }

    /// Waits for a refresh in flight, if any (tests use it to observe a background refresh).
    public func settle() async {
        if let inFlight { _ = await inFlight.value }
    }

    private func startRefresh() -> Task<Result<ExpiringCredentials, CredentialError>, Never> {
        if let inFlight { return inFlight }
        let task = Task { await self.refresh() }
        inFlight = task
        return task
    }

    private func refresh() async -> Result<ExpiringCredentials, CredentialError> {
        defer { inFlight = nil }
        guard let source else {
            return .failure(CredentialError(.misconfigured, "static credentials cannot be refreshed"))
        }
        do throws(CredentialError) {
            guard let fresh = try await source.resolve() else {
                throw CredentialError(.notFound, "\(sourceName) no longer provides credentials")
            }
            observer?(fresh.credentials)
            cached = fresh
            retryNotBefore = nil
            refreshes += 1
            logger.info(
                "credentials refreshed",
                metadata: [
                    "source": "\(sourceName)", "secret_id": "\(fresh.credentials.redactedSecretId)",
                    "expires": "\(fresh.expiration.map(TATTimeFormat.format) ?? "never")",
                ])
            return .success(fresh)
        } catch {
            retryNotBefore = now().addingTimeInterval(configuration.retryInterval.seconds)
            let until = cached?.expiration.map { "keeping the current ones until \(TATTimeFormat.format($0))" }
            let retry = Int(configuration.retryInterval.seconds)
            logger.warning(
                "credential refresh failed; \(until ?? "no credentials to fall back on"); retrying in \(retry) s",
                metadata: ["source": "\(sourceName)", "error": "\(error)"])
            return .failure(error)
        }
    }
}
