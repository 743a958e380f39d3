import ArgumentParser
import TattleApp

/// `tattle simulate`: a fake TAT API on loopback with a scripted fleet, for the demo and for trying
/// Tattle without a Tencent Cloud account.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a simulated TAT API with a scripted fleet until interrupted."
    )

    @Option(help: "HOST:PORT to listen on (IPv4).")
    var listen = "127.0.0.1:9900"

    @Flag(help: "Allow a non-loopback --listen address (the simulator accepts a published test key).")
    var allowRemote = false

    @Option(help: "Seed of the fleet and of injected faults; the same seed replays the same fleet.")
    var seed: UInt64 = 1

    @Option(help: "Fleet preset: demo, busy or idle.")
    var script = "demo"

    @Option(help: "Simulated seconds per real second.")
    var speed: Double = 1

    @Option(help: "Finished invocations to create in the past.")
    var retained = 0

    @Option(help: "Running invocations to create (with --retained or alone).")
    var active = 0

    @Option(help: "Probability (0-1) that a request gets an injected fault.")
    var faultRate: Double = 0

    @Option(help: "Region to print for TENCENTCLOUD_REGION (and the metadata service's region).")
    var region = "ap-guangzhou"

    @Option(help: "Bind this CAM role to the simulated CVM: its metadata service serves the role's credentials.")
    var instanceRole: String?

    @Option(help: "The order listings answer in: newest, oldest or unordered (TAT documents none).")
    var listingOrder = "newest"

    var runner: SimulateCommandRunner {
        var options = SimulateCommandRunner.Options()
        options.listen = listen
        options.allowRemote = allowRemote
        options.seed = seed
        options.script = script
        options.speed = speed
        options.retained = retained
        options.active = active
        options.faultRate = faultRate
        options.region = region
        options.instanceRole = instanceRole
        options.listingOrder = listingOrder
        return SimulateCommandRunner(options: options)
    }

    func validate() throws {
        do {
            try runner.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        try await runner.run()
    }
}
