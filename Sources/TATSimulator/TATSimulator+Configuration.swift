import Foundation
import Logging
import TencentCloud

extension TATSimulator {
    /// How a simulator listens, whom it trusts, how its fleet behaves and how strict it is.
    public struct Configuration: Sendable {
        /// The IPv4 address to bind. Default `127.0.0.1` (never the IPv6 `.loopback` of FlyingFox).
        public var host: String
        /// The port to bind. Default 0: an ephemeral port, read back after `start()`.
        public var port: UInt16
        /// The accepted key pairs. Default `[TATSimulator.testCredentials]`.
        public var credentials: [Credentials]
        /// The seed of the fleet and of fault injection. Default 1.
        public var seed: UInt64
        /// How simulated time moves. Default `.manual`.
        public var clockMode: FleetClock.Mode
        /// The simulated date when the simulator starts. Default nil: the wall clock at creation.
        public var origin: Date?
        /// The fleet activity preset to run from creation. Default nil: nothing happens by itself.
        public var script: FleetScript?
        /// CVM instances in the fleet. Default 8.
        public var cvmInstances: Int
        /// Lighthouse instances in the fleet. Default 4.
        public var lighthouseInstances: Int
        /// Requests per second per action before `RequestLimitExceeded`. Default 20; nil disables the limit.
        public var requestsPerSecond: Int?
        /// The largest accepted distance between `X-TC-Timestamp` and `now()`. Default 5 minutes.
        public var signatureTolerance: Duration
        /// The API version accepted in `X-TC-Version`. Default `2020-10-28`.
        public var version: String
        /// Regions accepted in `X-TC-Region`. Default nil: any non-empty region. Others get `UnsupportedRegion`.
        public var regions: Set<String>?
        /// The wall clock the signature check compares `X-TC-Timestamp` with. Default `Date()`.
        public var now: @Sendable () -> Date
        /// The monotonic clock of the rate limiter. Default (nil argument): `ContinuousClock` since creation.
        public var uptime: @Sendable () -> Duration
        /// The order listings answer in. Default ``ListingOrder/newestFirst``.
        public var listingOrder: ListingOrder
        /// The most call records kept (oldest dropped first); counts are kept separately. Default 10,000.
        public var callLogLimit: Int
        /// The logger for requests and faults. Default a logger labelled `tattle.simulator`.
        public var logger: Logger

        /// Creates a configuration; every argument has the default stated on its property.
        public init(
            host: String = "127.0.0.1", port: UInt16 = 0, credentials: [Credentials] = [TATSimulator.testCredentials],
            seed: UInt64 = 1, clockMode: FleetClock.Mode = .manual, origin: Date? = nil, script: FleetScript? = nil,
            cvmInstances: Int = 8, lighthouseInstances: Int = 4, requestsPerSecond: Int? = 20,
            signatureTolerance: Duration = .seconds(300), version: String = "2020-10-28", regions: Set<String>? = nil,
            now: @escaping @Sendable () -> Date = { Date() },
            uptime: (@Sendable () -> Duration)? = nil,
            callLogLimit: Int = 10_000, logger: Logger = Logger(label: "tattle.simulator"),
            listingOrder: ListingOrder = .newestFirst
        ) {
            self.listingOrder = listingOrder
            self.host = host
            self.port = port
            self.credentials = credentials
            self.seed = seed
            self.clockMode = clockMode
            self.origin = origin
            self.script = script
            self.cvmInstances = cvmInstances
            self.lighthouseInstances = lighthouseInstances
            self.requestsPerSecond = requestsPerSecond
            self.signatureTolerance = signatureTolerance
            self.version = version
            self.regions = regions
            self.now = now
            let start = ContinuousClock.now
            self.uptime = uptime ?? { ContinuousClock.now - start }
            self.callLogLimit = callLogLimit
            self.logger = logger
        }
    }

    /// A well-known key pair for tests and the demo. Not a real secret: it opens nothing but simulators.
    public static let testCredentials = Credentials(
        secretId: "AKIDSIMULATOR0TATTLE0TEST0KEY00000", secretKey: "tattle-simulator-test-key-not-a-secret")
}
