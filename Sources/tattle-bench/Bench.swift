/// Release-built benchmarks; scenarios land with their modules. `tattle-bench [scenario…]` runs the
/// named scenarios, or all of them.
@main
struct Bench {
    static let scenarios: [(name: String, run: @Sendable () async -> Void)] = [
        ("differ", { DifferBenchmark.run() })
    ]

    static func main() async {
        let wanted = Set(CommandLine.arguments.dropFirst())
        for scenario in scenarios where wanted.isEmpty || wanted.contains(scenario.name) {
            await scenario.run()
        }
    }
}
