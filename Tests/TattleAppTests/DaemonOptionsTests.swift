import Foundation
import Logging
import Testing

@testable import TattleApp

@Suite("tattle run options: flags, environment, defaults")
struct DaemonOptionsTests {
    @Test("defaults when neither flag nor variable is given")
    func defaults() throws {
        let options = try DaemonOptions.resolve(.init(), environment: [:])
        #expect(options.rulesFile.lastPathComponent == "rules.json")
        #expect(options.watch.stateDirectory.lastPathComponent == "tattle-state")
        #expect(options.watch.interval == 10)
        #expect(options.listen == "127.0.0.1:9464")
        #expect(options.logFormat == .auto)
        #expect(options.logLevel == .info)
        #expect(options.shutdownGrace == 10)
    }

    @Test("variables fill what flags leave out; flags win")
    func precedence() throws {
        let environment = [
            "TATTLE_RULES": "/etc/tattle/rules.json", "TATTLE_INTERVAL": "2.5", "TATTLE_REGIONS": "ap-guangzhou, ap-shanghai",
            "TATTLE_LISTEN": "0.0.0.0:9464", "TATTLE_LOG_FORMAT": "json", "TATTLE_LOG_LEVEL": "debug",
            "TATTLE_FILTER_INSTANCE_KIND": "cvm",
        ]
        var flags = DaemonOptions.Flags()
        flags.interval = 1
        flags.logLevel = "warning"
        let options = try DaemonOptions.resolve(flags, environment: environment)
        #expect(options.rulesFile.path == "/etc/tattle/rules.json")
        #expect(options.watch.interval == 1)
        #expect(options.watch.regions == ["ap-guangzhou", "ap-shanghai"])
        #expect(options.watch.instanceKinds == ["CVM"])
        #expect(options.listen == "0.0.0.0:9464")
        #expect(options.logFormat == .json)
        #expect(options.logLevel == .warning)
    }

    @Test(
        "invalid values name the flag and the variable",
        arguments: [
            (["TATTLE_INTERVAL": "ten"], "TATTLE_INTERVAL"), (["TATTLE_LOG_FORMAT": "xml"], "TATTLE_LOG_FORMAT"),
            (["TATTLE_LOG_LEVEL": "loud"], "TATTLE_LOG_LEVEL"), (["TATTLE_LISTEN": "127.0.0.1:http"], "listen address"),
        ])
    func invalid(environment: [String: String], mentions: String) {
        #expect {
            try DaemonOptions.resolve(.init(), environment: environment)
        } throws: { error in
            "\(error)".contains(mentions)
        }
    }
}
