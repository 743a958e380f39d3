import Curl
import Foundation
import TATSimulator
import TestSupport
import Testing

@testable import TattleApp

#if canImport(Glibc)
    import Glibc
#endif

/// The status page and the admin API of a real `tattle run`, against the simulator and loopback
/// receivers, the page rendered by headless Chromium.
@Suite("status page and admin API", .serialized, .timeLimit(.minutes(3)))
struct StatusPageTests {
    static let token = "admin-token-7f3c9a1b5d2e8f40"
    /// Strings an attacker controls through TAT (command names, output) or an editor through the rules file.
    static let hostileCommand = "<script>document.title='PWNED'</script>\"q'\u{202E}gnp.exe"
    static let hostileOutput = "<img src=x onerror=\"document.title='PWNED'\">\nboom\n"
    static let hostileRule = "<script>document.title='PWNED'</script>-rule"
    static let hostileReceiver = "dead-\"><img src=x onerror=document.title='PWNED'>\u{202E}"

    /// Simulator, a working WeCom robot and a webhook that refuses everything (400: dead letters).
    final class World: @unchecked Sendable {
        let scratch: SimulatedScratch
        let wecom = HTTPReceiver(default: .json(200, #"{"errcode":0,"errmsg":"ok"}"#))
        let broken = HTTPReceiver(default: .text(400, "bad request"))
        var directory: URL { scratch.directory }
        var simulator: TATSimulator { scratch.simulator }
        var endpoint: String { scratch.endpoint }
        var rules: URL { directory.appendingPathComponent("rules.json") }

        init() async throws {
            scratch = try await SimulatedScratch.start("tattle-status", seed: 14)
            try await wecom.start()
            try await broken.start()
        }

        func close() async {
            await wecom.stop()
            await broken.stop()
            await scratch.close()
        }

        func rulesObject() -> [String: Any] {
            [
                "version": 1,
                "receivers": [
                    "ops-wecom": [
                        "type": "wecom", "format": "text",
                        "url": "\(wecom.url)/cgi-bin/webhook/send?key=SECRETKEY123456789",
                    ],
                    StatusPageTests.hostileReceiver: [
                        "type": "webhook", "format": "event", "url": "\(broken.url)/hook?key=SECRETKEY123456789",
                    ],
                ],
                "rules": [
                    [
                        "name": StatusPageTests.hostileRule,
                        "match": ["type": "invocation.status_changed", "status": ["FAILED", "PARTIAL_FAILED"]],
                        "receivers": ["ops-wecom", StatusPageTests.hostileReceiver],
                    ],
                    [
                        "name": "task-failed", "match": ["type": "task.status_changed", "status": ["FAILED"]],
                        "receivers": ["ops-wecom"],
                    ],
                    [
                        "name": "successes", "match": ["type": "invocation.status_changed", "status": ["SUCCESS"]],
                        "receivers": ["ops-wecom"],
                    ],
                ],
            ]
        }

        func writeRules(_ object: [String: Any]) throws {
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                .write(to: rules, options: .atomic)
        }

        func startDaemon(state: String, token: String?) throws -> DaemonProcess {
            try DaemonProcess.run(
                rules: rules, stateDir: directory.appendingPathComponent(state, isDirectory: true), endpoint: endpoint,
                stderr: directory.appendingPathComponent("\(state).log"),
                extraEnvironment: token.map { ["TATTLE_ADMIN_TOKEN": $0, "TATTLE_RETRY_BASE_SECONDS": "0.2"] }
                    ?? ["TATTLE_RETRY_BASE_SECONDS": "0.2"])
        }

        /// Writes the rules, starts `tattle run`, waits until it is ready and runs the scripted fleet
        /// to its end: three notifications delivered, one dead letter. The caller kills the daemon.
        func startWithFleet(state: String, token: String?) async throws -> DaemonProcess {
            try writeRules(rulesObject())
            let daemon = try startDaemon(state: state, token: token)
            do {
                try await daemon.waitUntilReady()
                await runScriptedFleet()
                await simulator.advance(by: .milliseconds(1200))
                // Let the daemon see the fleet running (two listings that arrived after the advance),
                // so the failures are changes with a previous status, however loaded the machine.
                let listed = await simulator.calls.filter { $0.action == "DescribeInvocations" }.count
                try await eventually("a listing of the running fleet", timeout: .seconds(20)) {
                    await simulator.calls.filter { $0.action == "DescribeInvocations" }.count >= listed + 2
                }
                await simulator.advance(by: .seconds(3))
                try await eventually("a dead letter", timeout: .seconds(20)) {
                    let dead = try await StatusPageTests.request(daemon, "GET", "/api/v1/deliveries?state=dead")
                    return !StatusPageTests.jsonArray(dead).isEmpty
                }
            } catch {
                daemon.kill9()
                throw error
            }
            return daemon
        }

        /// A failing invocation with a hostile command name and output, and a succeeding one.
        func runScriptedFleet() async {
            var failing = InvocationSpec(tasks: [
                .init(plan: TaskStep.succeeding(after: .seconds(2))),
                .init(plan: TaskStep.failing(after: .seconds(2), exitCode: 3, output: StatusPageTests.hostileOutput)),
            ])
            failing.commandName = StatusPageTests.hostileCommand
            _ = await simulator.addInvocation(failing)
            var fine = InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(2)))])
            fine.commandName = "deploy-web"
            _ = await simulator.addInvocation(fine)
        }

        /// One succeeding `deploy-web` run, taken to its end; its invocation id.
        func runDeployWeb() async -> String {
            var fine = InvocationSpec(tasks: [.init(plan: TaskStep.succeeding(after: .seconds(2)))])
            fine.commandName = "deploy-web"
            let handle = await simulator.addInvocation(fine)
            await simulator.advance(by: .milliseconds(1200))
            try? await Task.sleep(for: .milliseconds(700))
            await simulator.advance(by: .seconds(3))
            return handle.invocationId
        }

        func stateDir(_ name: String) -> URL { directory.appendingPathComponent(name, isDirectory: true) }
    }

    static func withWorld(_ body: (World) async throws -> Void) async throws {
        try await using(try await World(), close: { await $0.close() }, body)
    }

    /// Records every admin API answer, to check them against `docs/api.yaml`.
    final class Exchanges: @unchecked Sendable {
        var seen: [(operation: String, status: Int)] = []
        func record(_ operation: String, _ status: Int) { seen.append((operation, status)) }
    }

    static func request(
        _ daemon: DaemonProcess, _ method: String, _ path: String, template: String? = nil, token: String? = nil,
        body: String? = nil, log: Exchanges? = nil
    ) async throws -> Curl.HTTPResponse {
        var headers: [Curl.HTTPHeader] = []
        if let token { headers.append(.init("Authorization", "Bearer \(token)")) }
        if body != nil { headers.append(.init("Content-Type", "application/json")) }
        let response = try await CurlClient().execute(
            HTTPRequest(
                method: method, url: daemon.statusURL + path, headers: headers, body: body.map { Array($0.utf8) } ?? [])
        )
        log?.record(
            "\(method) \(template ?? path.split(separator: "?").first.map(String.init) ?? path)", response.status)
        return response
    }

    static func jsonArray(_ response: Curl.HTTPResponse) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [[String: Any]] ?? []
    }

    /// `tattle ARGS` as a child process; its stdout.
    static func cli(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = try DaemonProcess.binary()
        process.arguments = arguments
        // A file, not a pipe: a hung child cannot block the read, the deadline below ends it.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-cli-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(process.processIdentifier, SIGKILL)
                throw TestSupportError("tattle \(arguments.joined(separator: " ")) did not finish")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// The HTML between `<table id="ID"` and its `</table>`.
    static func section(_ dom: String, id: String) -> String {
        guard let start = dom.range(of: "id=\"\(id)\"") else { return "" }
        let rest = dom[start.lowerBound...]
        guard let end = rest.range(of: "</table>") ?? rest.range(of: "</dl>") else { return String(rest) }
        return String(rest[..<end.upperBound])
    }

    @Test("Chromium renders the receivers, recent events and dead letters of a scripted run, hostile strings escaped")
    func pageInBrowser() async throws {
        try await Self.withWorld { world in
            let daemon = try await world.startWithFleet(state: "state", token: Self.token)
            defer { daemon.kill9() }
            try await eventually("the success notice", timeout: .seconds(20)) {
                world.wecom.requests.contains { $0.bodyText.contains("deploy-web") }
            }

            let silence = try await Self.request(
                daemon, "POST", "/api/v1/silences", token: Self.token,
                body:
                    #"{"matchers": ["invocation.commandName=nightly-*"], "for": "2h", "comment": "backup window <b>x</b>", "createdBy": "ops"}"#
            )
            #expect(silence.status == 201)

            let browser = try HeadlessChromium(scratch: world.directory.appendingPathComponent("chromium"))
            let dom = try await browser.dumpDOM(daemon.statusURL + "/")

            // The page's own script ran under its Content-Security-Policy nonce…
            #expect(dom.contains("<html lang=\"en\" data-js=\"on\">"))
            // …no injected one did (the title is the page's own), nothing hostile became markup.
            #expect(dom.contains("<title>Tattle status</title>"))
            #expect(!dom.contains("PWNED</title>"))
            #expect(!dom.contains("<script>document.title"))
            #expect(!dom.contains("<img src=x"))
            #expect(!dom.contains("\u{202E}"), "bidi overrides are shown, not applied")
            #expect(!dom.contains("SECRETKEY123456789"))

            let receivers = Self.section(dom, id: "receivers")
            #expect(receivers.contains("ops-wecom"))
            #expect(receivers.contains("dead-\"&gt;&lt;img src=x onerror=document.title='PWNED'&gt;[U+202E]"))

            let events = Self.section(dom, id: "events")
            #expect(events.contains("deploy-web"))
            #expect(events.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;\"q'[U+202E]gnp.exe"))
            #expect(events.contains("invocation.status_changed"))
            #expect(events.contains("SUCCESS"))
            #expect(events.contains("PARTIAL_FAILED") || events.contains("FAILED"))

            let dead = Self.section(dom, id: "dead-letters")
            #expect(dead.contains("dead-\"&gt;&lt;img src=x"), "the dead receiver is listed")
            #expect(
                dead.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;-rule"), "the hostile rule, escaped")
            #expect(dead.contains("400"), "the last error")
            #expect(dead.contains(">replay</button>"))

            // Server-rendered: the HTML as served, before any script, already holds it all.
            let plain = try await daemon.get("/").bodyText
            #expect(Self.section(plain, id: "receivers").contains("ops-wecom"))
            #expect(Self.section(plain, id: "dead-letters").contains("&lt;script&gt;document.title=&#39;PWNED&#39;"))
            #expect(Self.section(plain, id: "events").contains("deploy-web"))

            let silences = Self.section(dom, id: "silences")
            #expect(silences.contains("invocation.commandName=nightly-*"))
            #expect(silences.contains("backup window &lt;b&gt;x&lt;/b&gt;"))
            #expect(silences.contains(">expire</button>"))

            let regions = Self.section(dom, id: "regions")
            #expect(regions.contains("ap-guangzhou"))

            // The event page: the payload as sent, output escaped, credentials redacted.
            let failed = try #require(
                Self.jsonArray(try await Self.request(daemon, "GET", "/api/v1/events?limit=100")).first {
                    (($0["event"] as? [String: Any])?["type"] as? String) == "task.status_changed"
                })
            let eventId = try #require((failed["event"] as? [String: Any])?["id"] as? String)
            let eventDOM = try await browser.dumpDOM(daemon.statusURL + "/events/\(eventId)")
            #expect(eventDOM.contains("<title>Tattle event</title>"))
            #expect(eventDOM.contains("&lt;img src=x onerror="))
            #expect(!eventDOM.contains("<img src=x"))
            #expect(eventDOM.contains("class=\"payload\""))
            #expect(!eventDOM.contains("SECRETKEY123456789"))

            // A dead letter of a change seen as it happened (with a previous status): under load the
            // poller may first meet a task already failed, and that event has no `previousStatus`.
            let deadLetters = Self.jsonArray(try await Self.request(daemon, "GET", "/api/v1/deliveries?state=dead"))
            let seenChanging = deadLetters.first { $0["previousStatus"] != nil }
            let deadId = try #require((seenChanging ?? deadLetters.first)?["id"] as? Int)
            let deliveryDOM = try await browser.dumpDOM(daemon.statusURL + "/deliveries/\(deadId)")
            #expect(deliveryDOM.contains("<title>Tattle delivery \(deadId)</title>"))
            #expect(deliveryDOM.contains("class=\"payload\""))
            #expect(!deliveryDOM.contains("SECRETKEY123456789"))
            // It was attempted: the page shows the body that attempt sent (an `event` webhook: the event JSON).
            let sent = Self.section(deliveryDOM, id: "sent-payload")
            #expect(sent.contains("\"invocation\"") && sent.contains("\"previousStatus\""))
            #expect(deliveryDOM.contains("id=\"sent-payload\""))
            #expect(!sent.contains("<img src=x"))

            // A screenshot for people to look at, kept in the temporary directory (the scratch directory
            // is removed); TATTLE_SCREENSHOT_OUT copies it too (that is how docs/status-page.png is made).
            let shots = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-status-page")
            try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
            let shot = shots.appendingPathComponent("status-page.png")
            try await browser.screenshot(daemon.statusURL + "/", to: shot, width: 1280, height: 1240)
            let png = try Data(contentsOf: shot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            print("status page screenshot: \(shot.path)")
            if let out = ProcessInfo.processInfo.environment["TATTLE_SCREENSHOT_OUT"], !out.isEmpty {
                try? FileManager.default.removeItem(atPath: out)
                try png.write(to: URL(fileURLWithPath: out))
            }

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            #expect(!daemon.log.contains(Self.token), "the admin token is never logged")
            #expect(!daemon.log.contains("SECRETKEY123456789"))
        }
    }
}
