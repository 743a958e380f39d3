import FlyingFox
import FlyingSocks
import Foundation
import Logging
import TencentCloud

/// A faithful fake of the TAT API (`DescribeInvocations`, `DescribeInvocationTasks`) on loopback, with
/// TC3 signature checks, the documented limits and error codes, a scripted deterministic fleet, call
/// counters and fault injection.
///
/// ```swift
/// let sim = try await TATSimulator(configuration: .init(seed: 7))
/// try await sim.start()
/// let endpoint = await sim.endpoint           // "http://127.0.0.1:PORT"
/// let handle = await sim.addInvocation(InvocationSpec(tasks: [.init(plan: TaskStep.failing())]))
/// await sim.advance(by: .seconds(5))
/// await sim.stop()
/// ```
public actor TATSimulator {
    /// The configuration the simulator was created with.
    public let configuration: Configuration
    var fleet: Fleet
    var limiter: RateLimiter
    var faults: FaultPlan
    let verifier: SignatureVerifier
    let logger: Logger
    var callLog = CallLog()
    /// The metadata service's and STS's configuration and issued credentials.
    var credentialServices = CredentialServices()
    private var server: HTTPServer?
    private var serverTask: Task<Void, any Error>?
    /// The bound port: the configured one, or the ephemeral one once `start()` returned. 0 before.
    public private(set) var port: UInt16 = 0

    /// Creates a simulator and its fleet (running `configuration.script` if set). Does not listen yet.
    public init(configuration: Configuration = Configuration()) async throws {
        self.configuration = configuration
        self.logger = configuration.logger
        let generator = FleetGenerator(
            seed: configuration.seed, cvm: configuration.cvmInstances, lighthouse: configuration.lighthouseInstances)
        self.fleet = Fleet(
            clock: FleetClock(mode: configuration.clockMode, origin: configuration.origin),
            generator: generator)
        self.fleet.listingOrder = configuration.listingOrder
        self.limiter = RateLimiter(limit: configuration.requestsPerSecond)
        self.faults = FaultPlan(seed: configuration.seed)
        self.verifier = SignatureVerifier(
            credentials: configuration.credentials, tolerance: configuration.signatureTolerance)
        if let script = configuration.script { fleet.run(script) }
    }

    /// The base URL clients call: `http://127.0.0.1:PORT`.
    public var endpoint: String { "http://\(configuration.host):\(port)" }

    /// The `host:port` clients send in `Host` and sign (the Python SDK's `HttpProfile.endpoint`).
    public var hostAndPort: String { "\(configuration.host):\(port)" }

    /// Binds `configuration.host:port` and serves until `stop()`. Returns once listening.
    public func start() async throws {
        guard server == nil else { return }
        let address = try sockaddr_in.inet(ip4: configuration.host, port: configuration.port)
        let handler = ClosureHTTPHandler { [weak self] request in
            guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
            return try await self.respond(to: WireRequest(request)).http
        }
        let server = HTTPServer(address: address, timeout: 60, logger: .disabled, handler: handler)
        self.server = server
        serverTask = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        if case .ip4(_, let bound)? = await server.listeningAddress {
            port = bound
        } else {
            port = configuration.port
        }
        disableNagle(onListeningPort: port)
        logger.info("TAT simulator listening", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        guard let server else { return }
        self.server = nil
        await server.stop(timeout: 0)
        serverTask?.cancel()
        serverTask = nil
    }

    /// Answers one request: counts it, applies any injected fault, then the real API's behaviour.
    /// Runs the fault delays outside the actor so a slow answer never blocks other requests.
    nonisolated func respond(to request: WireRequest) async -> WireResponse {
        if let answer = await answerCredentialService(request) { return answer }
        let (sequence, fault) = await begin(request)
        switch fault {
        case nil:
            return await answer(request, sequence: sequence)
        case .slow(let delay)?:
            try? await Task.sleep(for: delay)
            return await answer(request, sequence: sequence)
        case .truncatedBody?:
            var response = await answer(request, sequence: sequence)
            response.truncated = true
            return response
        case .http500?: return .plain(500)
        case .http502?: return .plain(502)
        case .http503?: return .plain(503)
        case .malformedJSON?: return .malformed
        case let fault?:
            let error = fault.apiError ?? .internalError
            return WireResponse(body: ResponseBuilder.error(error, requestId: UUID().uuidString.lowercased()))
        }
    }

    /// Records the call and draws its fault.
    private func begin(_ request: WireRequest) -> (Int, FaultKind?) {
        let action = request.headers["x-tc-action"] ?? ""
        let fault = faults.next(for: APIAction(rawValue: action))
        var record = CallRecord(action: action)
        record.region = request.headers["x-tc-region"]
        record.secretId = request.headers["authorization"].flatMap(TC3Authorization.init(parsing:))?.secretId
        record.receivedAt = configuration.now()
        record.fault = fault
        record.errorCode = fault?.apiError?.code
        if let fault { logger.debug("injecting fault", metadata: ["fault": "\(fault)", "action": "\(action)"]) }
        return (callLog.append(record, limit: configuration.callLogLimit), fault)
    }
}
