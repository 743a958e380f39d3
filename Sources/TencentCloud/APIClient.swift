import Curl
import Foundation
import Logging

/// Calls any Tencent Cloud API 3.0 action: signs with TC3-HMAC-SHA256, sends over HTTP, decodes the
/// `{"Response":…}` envelope into a result or a typed error, retries transient failures with jittered
/// exponential backoff, and rate-limits per action.
///
/// Errors thrown: `APIError` (the API said no), `ClientError` (network, HTTP status, malformed body,
/// endpoint), `CancellationError` (the task was cancelled: retries stop at once).
public struct APIClient: Sendable {
    /// The keys requests are signed with, refreshed before they expire.
    public let credentialProvider: CredentialProvider
    /// Endpoint, signing variant, timeouts, retry and rate limit.
    public let configuration: Configuration
    let transport: any HTTPTransport
    let time: TimeSource
    let limiter: RateLimiter?
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let logger: Logger
    /// The server clock's distance from `now`, learnt from responses; signing uses the corrected time.
    public let clockSkew = ClockSkew()

    /// Creates a client.
    /// - Parameters:
    ///   - transport: default `CurlClient.shared`.
    ///   - clock: what backoff and the rate limiter wait on. Default `ContinuousClock()`.
    ///   - now: the wall clock for `X-TC-Timestamp`. Default `Date.init`.
    ///   - random: the unit random for jitter. Default uniform in [0, 1].
    ///   - logger: default label `tattle.tencentcloud`. Secrets are never logged.
    public init(
        credentials: Credentials, configuration: Configuration = .init(),
        transport: any HTTPTransport = CurlClient.shared, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        logger: Logger = Logger(label: "tattle.tencentcloud")
    ) {
        self.init(
            credentialProvider: CredentialProvider(credentials: credentials), configuration: configuration,
            transport: transport, clock: clock, now: now, random: random, logger: logger)
    }

    /// Creates a client whose requests are signed with `credentialProvider`'s current credentials
    /// (see ``CredentialChain``); other parameters as in ``init(credentials:configuration:transport:clock:now:random:logger:)``.
    public init(
        credentialProvider: CredentialProvider, configuration: Configuration = .init(),
        transport: any HTTPTransport = CurlClient.shared, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        logger: Logger = Logger(label: "tattle.tencentcloud")
    ) {
        self.credentialProvider = credentialProvider
        self.configuration = configuration
        self.transport = transport
        self.time = TimeSource(clock)
        self.limiter = configuration.requestsPerSecond.map { RateLimiter(requestsPerSecond: $0, clock: clock) }
        self.now = now
        self.random = random
        self.logger = logger
    }

    /// Calls `action` and decodes the object inside `Response` as `R`.
    /// - Parameters:
    ///   - region: `X-TC-Region`; nil or empty sends none.
    ///   - body: encoded with `JSONEncoder` `.sortedKeys`; those exact bytes are hashed and sent.
    public func call<R: Decodable>(
        service: String, action: String, version: String, region: String?, body: some Encodable,
        as type: R.Type
    ) async throws -> R {
        let parsed = try await call(
            service: service, action: action, version: version, region: region,
            bodyBytes: try Self.encode(body, action: action), as: type)
        switch parsed.payload {
        case .success(let value): return value
        case .failure(let error):
            throw ResponseParser.undecodable(R.self, error, response: parsed.response, action: action)
        }
    }

    /// Calls `action` and returns the raw successful response (after API errors have been thrown).
    public func call(
        service: String, action: String, version: String, region: String?, body: some Encodable
    ) async throws -> APIResponse {
        try await call(
            service: service, action: action, version: version, region: region,
            bodyBytes: try Self.encode(body, action: action))
    }

    /// Calls `action` with a body given as bytes, sent and hashed exactly as given.
    public func call(
        service: String, action: String, version: String, region: String?, bodyBytes: [UInt8]
    ) async throws -> APIResponse {
        try await call(
            service: service, action: action, version: version, region: region, bodyBytes: bodyBytes,
            as: ResponseParser.Ignored.self
        ).response
    }

    /// The body as sent: `JSONEncoder` with sorted keys.
    static func encode(_ body: some Encodable, action: String) throws -> [UInt8] {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Array(try encoder.encode(body))
        } catch {
            throw ClientError(
                code: .encodingFailed, message: "could not encode the \(action) body: \(error)", isRetryable: false,
                action: action)
        }
    }

    /// Calls `action` with retries; the response's envelope and payload are decoded in one pass.
    func call<R: Decodable>(
        service: String, action: String, version: String, region: String?, bodyBytes: [UInt8], as type: R.Type
    ) async throws -> ResponseParser.Parsed<R> {
        let policy = configuration.retry
        var attempt = 1
        while true {
            try Task.checkCancellation()
            do {
                if let limiter { try await limiter.acquire(action) }
                var parsed = try await attemptOnce(
                    service: service, action: action, version: version, region: region, body: bodyBytes, as: type)
                parsed.response.attempts = attempt
                return parsed
            } catch {
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                guard RetryPolicy.isRetryable(error), attempt < policy.maxAttempts else {
                    logger.debug(
                        "call failed", metadata: ["action": "\(action)", "attempt": "\(attempt)", "error": "\(error)"])
                    throw error
                }
                var wait = policy.delay(beforeRetry: attempt, unitRandom: random())
                if let retryAfter = (error as? ClientError)?.retryAfter {
                    wait = max(wait, min(retryAfter, policy.maxDelay))
                }
                logger.debug(
                    "retrying",
                    metadata: ["action": "\(action)", "attempt": "\(attempt)", "wait": "\(wait)", "error": "\(error)"])
                try await time.sleep(wait)
                attempt += 1
            }
        }
    }

    /// The signed HTTP request for one attempt, at `timestamp` (exposed for tests and the simulator).
    public func makeRequest(
        service: String, action: String, version: String, region: String?, body: [UInt8], timestamp: Int64,
        credentials: Credentials
    ) -> HTTPRequest {
        let endpoint = configuration.endpoint
        let signature = TC3Signer.sign(
            credentials: credentials, service: service, host: endpoint.hostHeader, action: action,
            timestamp: timestamp, contentType: configuration.contentType, body: body,
            signedHeaders: configuration.signedHeaders)
        var headers = [
            HTTPHeader("Authorization", signature.authorization),
            HTTPHeader("Content-Type", configuration.contentType),
            HTTPHeader("Host", endpoint.hostHeader),
            HTTPHeader("X-TC-Action", action),
            HTTPHeader("X-TC-Timestamp", String(timestamp)),
            HTTPHeader("X-TC-Version", version),
        ]
        if let region, !region.isEmpty { headers.append(HTTPHeader("X-TC-Region", region)) }
        if let token = credentials.sessionToken { headers.append(HTTPHeader("X-TC-Token", token)) }
        if let language = configuration.language { headers.append(HTTPHeader("X-TC-Language", language.rawValue)) }
        headers.append(HTTPHeader("X-TC-RequestClient", configuration.requestClient))
        return HTTPRequest(
            method: "POST", url: endpoint.url, headers: headers, body: body, timeout: configuration.timeout)
    }

    private func attemptOnce<R: Decodable>(
        service: String, action: String, version: String, region: String?, body: [UInt8], as type: R.Type,
        resigned: Bool = false
    ) async throws -> ResponseParser.Parsed<R> {
        let credentials = try await credentialProvider.current()
        let timestamp = Int64((now().timeIntervalSince1970 + clockSkew.correction).rounded(.down))
        let request = makeRequest(
            service: service, action: action, version: version, region: region, body: body, timestamp: timestamp,
            credentials: credentials)
        let response: HTTPResponse
        do {
            response = try await transport.execute(request)
        } catch let error as CurlError {
            if error.code == .cancelled { throw CancellationError() }
            throw ClientError(
                code: .network, message: "\(action) to \(configuration.endpoint.hostHeader): \(error.message)",
                isRetryable: error.isRetryable, action: action, underlying: error)
        }
        let corrected = clockSkew.observe(dateHeader: response.header("Date"), localNow: now(), logger: logger)
        do {
            return try ResponseParser.parse(response, action: action, as: type)
        } catch let error as APIError where error.code == "AuthFailure.TokenFailure" {
            // Temporary credentials revoked or expired early: fetch new ones for the next call.
            await credentialProvider.invalidate(secretId: credentials.secretId)
            throw error
        } catch let error as APIError where error.code == "AuthFailure.SignatureExpire" && corrected && !resigned {
            // Refused for a skewed clock that this very answer revealed: sign once more, corrected.
            return try await attemptOnce(
                service: service, action: action, version: version, region: region, body: body, as: type,
                resigned: true)
        }
    }
}
