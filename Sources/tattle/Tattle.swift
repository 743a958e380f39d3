import ArgumentParser

/// The `tattle` command line: argument parsing and exit codes only; the work lives in `TattleApp`.
@main
struct Tattle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tattle",
        abstract: "Watch Tencent Cloud TAT command executions and notify people when they change state.",
        subcommands: [
            RunCommand.self,
            DemoCommand.self,
            WatchCommand.self,
            CheckCommand.self,
            TestRuleCommand.self,
            InvocationsCommand.self,
            DeliveriesCommand.self,
            EventsCommand.self,
            ReplayCommand.self,
            SilenceCommand.self,
            SimulateCommand.self,
            ProbeCommand.self,
        ]
    )
}
