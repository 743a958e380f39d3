import ArgumentParser
import TattleApp

/// `tattle demo`: the whole product on loopback, no cloud account.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show Tattle working end to end on loopback: simulated TAT fleet → rules → webhook.",
        discussion: """
            Starts the built-in TAT simulator with a scripted fleet, a local webhook receiver that prints \
            what it receives, and the daemon with demo rules; ends by itself with a summary. Nothing leaves \
            the machine.
            """)

    @Option(help: "How long the daemon runs, in seconds.") var seconds: Double = 30
    @Option(help: "The simulated fleet's seed.") var seed: UInt64 = 7
    @Flag(help: "Keep the temporary state directory and print its path.") var keepState = false

    func run() async throws {
        var runner = DemoRunner()
        runner.seconds = seconds
        runner.seed = seed
        runner.keepState = keepState
        try await runner.run()
    }
}
