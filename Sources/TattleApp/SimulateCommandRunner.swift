import Foundation
import TATSimulator
import TencentCloud
import UnixSignals

/// `tattle simulate`: runs the TAT simulator in the foreground for the demo and for trying Tattle
/// without a Tencent Cloud account, until SIGINT or SIGTERM.
public struct SimulateCommandRunner: Sendable {
    /// The options of `tattle simulate`, already parsed.
    public struct Options: Sendable, Hashable {
        /// `HOST:PORT` to listen on. Default `127.0.0.1:9900`.
        public var listen: String = "127.0.0.1:9900"
        /// Allow a non-loopback listen address. Default false.
        public var allowRemote = false
        /// The seed of the fleet and the faults. Default 1.
        public var seed: UInt64 = 1
        /// The fleet preset: `demo`, `busy` or `idle`. Default `demo`.
        public var script = "demo"
        /// Simulated seconds per real second. Default 1.
        public var speed: Double = 1
        /// Finished invocations to create in the past. Default 0.
        public var retained = 0
        /// Running invocations to create among them. Default 0.
        public var active = 0
        /// The probability, 0…1, that a request gets an injected fault. Default 0.
        public var faultRate: Double = 0
        /// The region printed for `TENCENTCLOUD_REGION`. Default `ap-guangzhou`.
        public var region = "ap-guangzhou"
        /// The CAM role bound to the simulated CVM: the metadata service serves its temporary
        /// credentials (and `region`), so Tattle can run with no keys and no region. Default nil (none).
        public var instanceRole: String?
        /// The order listings answer in: `newest`, `oldest` or `unordered`. Default `newest`.
        public var listingOrder = "newest"

        /// Creates options with the defaults stated on each property.
        public init() {}
    }

    /// A problem with the options, reported before anything starts.
    public struct OptionsError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong and how to fix it.
        public var description: String
    }

    /// The options this runner was created with.
    public let options: Options

    /// Creates a runner; call `validate()` (done by `run`) to check the options first.
    public init(options: Options) { self.options = options }

    /// The host and port of `--listen`, checked: an IPv4 address (`localhost` means 127.0.0.1), a port,
    /// and loopback unless `allowRemote`.
    public func listenAddress() throws(OptionsError) -> (host: String, port: UInt16) {
        guard let colon = options.listen.lastIndex(of: ":"),
            let port = UInt16(options.listen[options.listen.index(after: colon)...])
        else { throw OptionsError(description: "--listen must be HOST:PORT, got \(options.listen)") }
        var host = String(options.listen[..<colon])
        if host == "localhost" { host = "127.0.0.1" }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 != nil }) else {
            throw OptionsError(description: "--listen needs an IPv4 address such as 127.0.0.1, got \(host)")
        }
        guard octets[0] == 127 || options.allowRemote else {
            throw OptionsError(
                description: "refusing to listen on non-loopback \(host): the simulator accepts a "
                    + "published test key; pass --allow-remote to do it anyway")
        }
        return (host, port)
    }

    /// Checks every option; throws the first problem.
    public func validate() throws(OptionsError) {
        _ = try listenAddress()
        guard FleetScript.named(options.script) != nil else {
            throw OptionsError(
                description: "--script must be one of "
                    + FleetScript.presets.keys.sorted().joined(separator: ", ") + ", got \(options.script)")
        }
        guard options.speed > 0, options.speed.isFinite else { throw OptionsError(description: "--speed must be > 0") }
        guard options.retained >= 0, options.active >= 0 else {
            throw OptionsError(description: "--retained and --active must not be negative")
        }
        guard (0...1).contains(options.faultRate) else {
            throw OptionsError(description: "--fault-rate must be between 0 and 1")
        }
        guard ListingOrder(rawValue: options.listingOrder) != nil else {
            throw OptionsError(
                description: "--listing-order must be newest, oldest or unordered, got \(options.listingOrder)")
        }
    }

    /// The configuration the options describe.
    public func configuration() throws(OptionsError) -> TATSimulator.Configuration {
        try validate()
        let (host, port) = try listenAddress()
        return TATSimulator.Configuration(
            host: host, port: port, seed: options.seed, clockMode: .realTime(speed: options.speed),
            script: FleetScript.named(options.script),
            listingOrder: ListingOrder(rawValue: options.listingOrder) ?? .newestFirst)
    }

    /// The lines printed at start: where the simulator listens and what to export to use it.
    public func banner(endpoint: String) -> [String] {
        let credentials = TATSimulator.testCredentials
        return [
            "TAT simulator listening on \(endpoint) (script \(options.script), seed \(options.seed), "
                + "speed \(options.speed)x, fault rate \(options.faultRate))",
            "Point Tattle at it with:",
            "  export TATTLE_ENDPOINT=\(endpoint)",
            "  export \(Credentials.secretIdVariable)=\(credentials.secretId)",
            "  export \(Credentials.secretKeyVariable)=\(credentials.secretKey)",
            "  export TENCENTCLOUD_REGION=\(options.region)",
        ]
            + (options.instanceRole.map { role in
                [
                    "Or as a CVM with the role \(role) (temporary credentials and region from the metadata service):",
                    "  export TATTLE_ENDPOINT=\(endpoint) TATTLE_METADATA_ENDPOINT=\(endpoint) TATTLE_STS_ENDPOINT=\(endpoint)",
                    "  unset \(Credentials.secretIdVariable) \(Credentials.secretKeyVariable) TENCENTCLOUD_REGION",
                ]
            } ?? []) + ["Press Ctrl-C to stop."]
    }

    /// Starts the simulator, prints the banner through `print`, and serves until SIGINT or SIGTERM.
    public func run(print: @Sendable (String) -> Void = { Swift.print($0) }) async throws {
        let simulator = try await TATSimulator(configuration: configuration())
        if options.retained > 0 || options.active > 0 {
            await simulator.seedRetained(count: options.retained, active: options.active)
        }
        if options.faultRate > 0 {
            await simulator.injectFaults(
                FaultInjection(
                    probability: options.faultRate,
                    kinds: [.internalError, .requestLimitExceeded, .http503, .slow(.seconds(2)), .truncatedBody]))
        }
        let options = options
        await simulator.configureCredentialServices {
            $0.region = options.region
            $0.instanceRole = options.instanceRole
        }
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        try await simulator.start()
        for line in banner(endpoint: await simulator.endpoint) { print(line) }
        fflush(nil)
        for await signal in signals {
            print("received \(signal), stopping")
            break
        }
        await simulator.stop()
    }
}
