import ArgumentParser
import Rules
import TattleApp

extension CheckReport.Format: ExpressibleByArgument {}

/// `tattle check FILE`: validate a rules file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a rules file: print every problem as FILE:LINE:COL: error: PATH: message.",
        discussion: """
            One problem per line in the compiler convention (editors, grep -n habits and CI annotators read it), \
            then a summary; --format json gives the same for tools. Exits 1 when there are errors, 2 when the \
            file cannot be read, 0 otherwise. Unset ${env:…} references are warnings unless --strict-env.
            """
    )

    @Argument(help: "The rules file (JSON; comments and trailing commas allowed).")
    var file: String

    @Flag(help: "Treat unset ${env:…}/${file:…} references of used receivers as errors, as the daemon does.")
    var strictEnv = false

    @Option(help: "text (one problem per line) or json.")
    var format: CheckReport.Format = .text

    func run() throws {
        let output = RulesCommands.check(path: file, strictEnv: strictEnv, format: format)
        print(output.text, terminator: "")
        if output.exitStatus != 0 { throw ExitCode(output.exitStatus) }
    }
}
