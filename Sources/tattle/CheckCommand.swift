import ArgumentParser
import TattleApp

/// `tattle check FILE`: validate a rules file.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a rules file: print every problem with its path and line:column.",
        discussion:
            "Exits 1 when there are errors, 0 otherwise. Unset ${env:…} references are warnings unless --strict-env."
    )

    @Argument(help: "The rules file (JSON; comments and trailing commas allowed).")
    var file: String

    @Flag(help: "Treat unset ${env:…}/${file:…} references of used receivers as errors, as the daemon does.")
    var strictEnv = false

    func run() throws {
        let output = RulesCommands.check(path: file, strictEnv: strictEnv)
        print(output.text, terminator: "")
        if output.exitStatus != 0 { throw ExitCode(output.exitStatus) }
    }
}
