import Curl
import Foundation
import InMemoryLogging
import Logging
import TATSimulator
import TencentCloud
import TestSupport
import Testing

/// A simulator serving TAT, the metadata service and STS on one loopback port, on a test clock's wall
/// time (``TestClock/date``): the simulator judges expiry and signatures by it, the client signs and
/// refreshes by it, so credentials expire without anyone waiting.
struct CredentialTestBed {
    let simulator: TATSimulator
    let clock: TestClock
    let endpoint: Endpoint
    let logs = InMemoryLogHandler.capturingAll()

    static func start(_ services: @escaping @Sendable (inout CredentialServices) -> Void = { _ in })
        async throws -> CredentialTestBed
    {
        let clock = TestClock(start: Date(timeIntervalSince1970: 1_780_000_000))
        let simulator = try await TATSimulator(
            configuration: .init(origin: clock.date, requestsPerSecond: nil, now: { clock.date }))
        await simulator.configureCredentialServices(services)
        try await simulator.start()
        let endpoint = try #require(Endpoint(parsing: await simulator.endpoint))
        return CredentialTestBed(simulator: simulator, clock: clock, endpoint: endpoint)
    }

    /// The metadata service and STS overridden to the simulator, plus `extra`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        [MetadataService.endpointVariable: endpoint.url, SecurityTokenService.endpointVariable: endpoint.url]
            .merging(extra) { $1 }
    }

    var logger: Logger {
        var logger = Logger(label: "test.credentials") { [logs] _ in logs }
        logger.logLevel = .trace
        return logger
    }

    /// The chain over `environment`, on the test clock, with a 30 s retry after a failed refresh.
    func chain(_ environment: [String: String]) -> CredentialChain {
        var chain = CredentialChain(
            environment: environment, tatEndpoint: endpoint,
            refresh: .init(refreshWindow: .seconds(300), retryInterval: .seconds(30)), now: { clock.date },
            logger: logger)
        // The whole suite loads the machine: give the loopback metadata service time to answer.
        chain.metadataTimeout = Self.metadataTimeout
        return chain
    }

    /// Generous limits for the simulator's metadata service under a loaded test run.
    static let metadataTimeout = Timeout(connect: .seconds(10), total: .seconds(30))

    /// A TAT client on the simulator signing with `provider`, on the test clock, without retries.
    func client(_ provider: CredentialProvider) -> TATClient {
        var configuration = APIClient.Configuration(endpoint: endpoint)
        configuration.retry = RetryPolicy(maxAttempts: 1)
        return TATClient(
            api: APIClient(credentialProvider: provider, configuration: configuration, now: { clock.date }))
    }

    /// One `DescribeInvocations` call signed by `provider`.
    func call(_ provider: CredentialProvider) async throws -> Int {
        try await client(provider).describeInvocations(.init(limit: 1)).totalCount
    }

    /// The API error code a call signed with exactly `credentials` gets, nil on success.
    func errorCode(signingWith credentials: Credentials) async -> String? {
        do {
            _ = try await call(CredentialProvider(credentials: credentials))
            return nil
        } catch let error as APIError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-cred-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
