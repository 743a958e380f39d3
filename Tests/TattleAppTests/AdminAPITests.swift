import Curl
import Events
import Foundation
import Outbox
import Rules
import Store
import TestSupport
import Testing

@testable import TattleApp

#if canImport(Glibc)
    import Glibc
#endif

/// The admin API of a real `tattle run`: the token rules for every state-changing endpoint, replay
/// and silences changing what the CLI shows, and `docs/api.yaml` matching what is served.
@Suite("admin API", .serialized, .timeLimit(.minutes(3)))
struct AdminAPITests {
    typealias World = StatusPageTests.World

    /// A concrete path for an endpoint: `{id}` filled in.
    static func path(_ route: AdminAPI.Route, id: String) -> String {
        route.path.replacingOccurrences(of: "{id}", with: id)
    }

    @Test("403 with how to enable it when no token is configured, for every state-changing endpoint")
    func disabledWithoutToken() async throws {
        try await StatusPageTests.withWorld { world in
            try world.writeRules(world.rulesObject())
            let daemon = try world.startDaemon(state: "no-token", token: nil)
            defer { daemon.kill9() }
            try await daemon.waitUntilReady()
            let log = StatusPageTests.Exchanges()
            let changing = AdminAPI.routes.filter(\.changesState)
            #expect(changing.count >= 4)
            for route in changing {
                for token in [nil, StatusPageTests.token] {
                    let response = try await StatusPageTests.request(
                        daemon, route.method, Self.path(route, id: "1"), template: route.path, token: token,
                        body: route.method == "POST" ? "{}" : nil, log: log)
                    #expect(response.status == 403, "\(route.method) \(route.path)")
                    #expect(response.bodyText.contains("TATTLE_ADMIN_TOKEN"), "403 says how to enable it")
                }
            }
            // Reads need no token.
            let reads = AdminAPI.routes.filter { !$0.changesState }
            for route in reads {
                let response = try await StatusPageTests.request(
                    daemon, route.method, route.path, log: log)
                #expect(response.status == 200, "\(route.path)")
            }
            let page = try await daemon.get("/")
            #expect(page.status == 200)
            #expect(page.bodyText.contains("TATTLE_ADMIN_TOKEN is set"), "the page says why there are no buttons")
            #expect(!page.bodyText.contains(">replay</button>"))
            #expect(try await daemon.get("/no-such-page").status == 404)
            #expect(try await daemon.get("/deliveries/999999").status == 404)
            #expect(try await daemon.get("/events/no-such-event").status == 404)
            try Self.expectDocumented(log)
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
        }
    }

    @Test("401 with a wrong token; with the right one replay and reload work and the CLI shows the change")
    func tokenRulesAndEffects() async throws {
        try await StatusPageTests.withWorld { world in
            let daemon = try await world.startWithFleet(state: "state", token: StatusPageTests.token)
            defer { daemon.kill9() }
            let log = StatusPageTests.Exchanges()
            let stateDir = world.stateDir("state").path
            let deadId = try #require(
                StatusPageTests.jsonArray(
                    try await StatusPageTests.request(daemon, "GET", "/api/v1/deliveries?state=dead")
                ).first?["id"] as? Int)

            // Missing and wrong tokens: 401, nothing changes.
            for route in AdminAPI.routes where route.changesState {
                for token in [
                    nil, "wrong-token-0000000000", StatusPageTests.token + "x",
                    String(StatusPageTests.token.dropLast()),
                ] {
                    let response = try await StatusPageTests.request(
                        daemon, route.method, Self.path(route, id: String(deadId)), template: route.path, token: token,
                        body: route.method == "POST" ? "{}" : nil, log: log)
                    #expect(response.status == 401, "\(route.method) \(route.path) with \(token ?? "no token")")
                    #expect(response.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
                }
            }
            let before = try await StatusPageTests.cli([
                "deliveries", "--state-dir", stateDir, "--state", "dead", "--json",
            ])
            #expect(before.contains("\"id\" : \(deadId)"), "still dead after the refused calls")

            // Reads answer what the CLI's --json prints (the pipeline is idle now: nothing moves).
            try await eventually("an idle outbox", timeout: .seconds(20)) {
                let all = StatusPageTests.jsonArray(
                    try await StatusPageTests.request(daemon, "GET", "/api/v1/deliveries"))
                return all.allSatisfy { ["dead", "delivered"].contains($0["state"] as? String ?? "") }
            }
            for (path, arguments) in [
                ("/api/v1/deliveries", ["deliveries", "--json"]), ("/api/v1/events", ["events", "--json"]),
                ("/api/v1/deliveries?state=dead&limit=5", ["deliveries", "--json", "--state", "dead", "--limit", "5"]),
            ] {
                let api = try await StatusPageTests.request(daemon, "GET", path, log: log)
                let cli = try await StatusPageTests.cli(arguments + ["--state-dir", stateDir])
                #expect(api.status == 200)
                #expect(
                    api.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                        == cli.trimmingCharacters(in: .whitespacesAndNewlines),
                    "\(path) = tattle \(arguments.joined(separator: " "))")
            }

            // The answers have the documented shapes.
            let deliveries = StatusPageTests.jsonArray(
                try await StatusPageTests.request(daemon, "GET", "/api/v1/deliveries"))
            #expect(!deliveries.isEmpty)
            for row in deliveries { try Self.expectConforms(row, to: "Delivery") }
            let recorded = StatusPageTests.jsonArray(try await StatusPageTests.request(daemon, "GET", "/api/v1/events"))
            #expect(!recorded.isEmpty)
            for event in recorded {
                try Self.expectConforms(event, to: "RecordedEvent")
                for note in event["notifications"] as? [[String: Any]] ?? [] {
                    let documented = try Self.documentedSchema("RecordedEvent")
                    #expect(documented.properties.contains("notifications"))
                    #expect(Set(note.keys) == ["id", "receiver", "rule", "state", "attempts", "isRecovery"])
                }
            }

            // Bad input: clear 400/404/409, no crash.
            let token = StatusPageTests.token
            for (method, path, template, status) in [
                ("GET", "/api/v1/deliveries?state=bogus", "/api/v1/deliveries", 400),
                ("GET", "/api/v1/events?limit=0", "/api/v1/events", 400),
                ("POST", "/api/v1/deliveries/abc/replay", "/api/v1/deliveries/{id}/replay", 400),
                ("POST", "/api/v1/deliveries/999999/replay", "/api/v1/deliveries/{id}/replay", 404),
            ] {
                let response = try await StatusPageTests.request(
                    daemon, method, path, template: template, token: token, log: log)
                #expect(response.status == status, "\(method) \(path)")
                #expect(response.bodyText.contains("\"error\""))
            }

            // Replay through the API: the receiver works again, the row is delivered, the CLI shows it.
            world.broken.setDefault(.text(200, "ok"))
            let replay = try await StatusPageTests.request(
                daemon, "POST", "/api/v1/deliveries/\(deadId)/replay", template: "/api/v1/deliveries/{id}/replay",
                token: token, log: log)
            #expect(replay.status == 200)
            #expect(replay.bodyText.contains("\"replayed\" : 1"))
            try await eventually("the replayed row delivered", timeout: .seconds(20)) {
                let cli = try await StatusPageTests.cli(
                    ["deliveries", "--state-dir", stateDir, "--state", "delivered", "--json"])
                return cli.contains("\"id\" : \(deadId),")
            }
            let again = try await StatusPageTests.request(
                daemon, "POST", "/api/v1/deliveries/\(deadId)/replay", template: "/api/v1/deliveries/{id}/replay",
                token: token, log: log)
            #expect(again.status == 409, "a delivered row is not replayed")

            // Silences through the API: a matching notification is recorded as silenced (the CLI shows
            // it), an expired silence stops applying.
            let added = try await StatusPageTests.request(
                daemon, "POST", "/api/v1/silences", token: token,
                body:
                    #"{"matchers": ["invocation.commandName=deploy-web"], "for": "2h", "comment": "deploy <b>window</b>"}"#,
                log: log)
            #expect(added.status == 201)
            let silence = try #require(
                (try? JSONSerialization.jsonObject(with: Data(added.body))) as? [String: Any])
            let silenceId = try #require(silence["id"] as? String)
            try Self.expectConforms(silence, to: "Silence")
            #expect(silence["state"] as? String == "active")
            #expect(silence["matchers"] as? [String] == ["invocation.commandName=deploy-web"])
            let listed = try await StatusPageTests.request(daemon, "GET", "/api/v1/silences", log: log)
            #expect(StatusPageTests.jsonArray(listed).map { $0["id"] as? String } == [silenceId])
            let cliSilences = try await StatusPageTests.cli(["silence", "list", "--state-dir", stateDir, "--json"])
            #expect(
                listed.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
                    == cliSilences.trimmingCharacters(in: .whitespacesAndNewlines),
                "GET /api/v1/silences = tattle silence list --json")
            let withSilence = try await daemon.get("/")
            #expect(StatusPageTests.section(withSilence.bodyText, id: "silences").contains(silenceId))
            #expect(withSilence.bodyText.contains("deploy &lt;b&gt;window&lt;/b&gt;"))
            #expect(withSilence.bodyText.contains("data-method=\"DELETE\">expire</button>"))

            let quiet = await world.runDeployWeb()
            try await eventually("a silenced notification in `tattle deliveries`", timeout: .seconds(20)) {
                let rows = try Self.rows(
                    try await StatusPageTests.cli(["deliveries", "--state-dir", stateDir, "--json"]))
                return rows.contains { $0["invocationId"] as? String == quiet && $0["state"] as? String == "silenced" }
            }
            let expired = try await StatusPageTests.request(
                daemon, "DELETE", "/api/v1/silences/\(silenceId)", template: "/api/v1/silences/{id}", token: token,
                log: log)
            #expect(expired.status == 200)
            #expect(expired.bodyText.contains("\"state\" : \"ended\""))
            let none = try await StatusPageTests.request(daemon, "GET", "/api/v1/silences", log: log)
            #expect(StatusPageTests.jsonArray(none).isEmpty)
            let history = try await StatusPageTests.request(daemon, "GET", "/api/v1/silences?all=true", log: log)
            #expect(StatusPageTests.jsonArray(history).first?["state"] as? String == "ended")
            let loud = await world.runDeployWeb()
            try await eventually("the next one delivered", timeout: .seconds(20)) {
                let rows = try Self.rows(
                    try await StatusPageTests.cli(["deliveries", "--state-dir", stateDir, "--json"]))
                return rows.contains { $0["invocationId"] as? String == loud && $0["state"] as? String == "delivered" }
            }
            for (method, path, body, status) in [
                ("DELETE", "/api/v1/silences/nope", nil, 404),
                ("POST", "/api/v1/silences", "not json", 400),
                ("POST", "/api/v1/silences", #"{"matchers": ["nosuch.field=x"], "for": "1h"}"#, 400),
                ("POST", "/api/v1/silences", #"{"matchers": [], "for": "1h"}"#, 400),
                ("POST", "/api/v1/silences", #"{"matchers": ["status=FAILED"], "for": "soon"}"#, 400),
                ("POST", "/api/v1/silences", #"{"matchers": ["status=FAILED"]}"#, 400),
            ] as [(String, String, String?, Int)] {
                let response = try await StatusPageTests.request(
                    daemon, method, path, template: method == "DELETE" ? "/api/v1/silences/{id}" : path, token: token,
                    body: body, log: log)
                #expect(response.status == status, "\(method) \(path) \(body ?? "")")
                #expect(response.bodyText.contains("\"error\""))
            }

            // Reload: a good file applies; a hostile, broken one is rejected and shown escaped.
            let applied = try await StatusPageTests.request(daemon, "POST", "/api/v1/reload", token: token, log: log)
            #expect(applied.status == 200)
            #expect(applied.bodyText.contains("\"outcome\" : \"applied\""))
            try Self.expectConforms(
                (try? JSONSerialization.jsonObject(with: Data(applied.body))) as? [String: Any], to: "ReloadState")
            var broken = world.rulesObject()
            broken["<script>document.title='PWNED'</script>"] = true
            try world.writeRules(broken)
            let rejected = try await StatusPageTests.request(daemon, "POST", "/api/v1/reload", token: token, log: log)
            #expect(rejected.status == 422)
            #expect(rejected.bodyText.contains("\"outcome\" : \"rejected\""))
            try Self.expectConforms(
                (try? JSONSerialization.jsonObject(with: Data(rejected.body))) as? [String: Any], to: "ReloadState")
            let page = try await daemon.get("/")
            #expect(page.bodyText.contains("previous rules kept"))
            #expect(page.bodyText.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"))
            #expect(!page.bodyText.contains("<script>document.title"))
            #expect(page.header("Content-Security-Policy")?.contains("script-src 'nonce-") == true)

            try Self.expectDocumented(log)
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit() == 0)
            #expect(!daemon.log.contains(StatusPageTests.token), "the admin token is never logged")
            // An audit line per state-changing request, refused ones included (JSON lines may escape `/`).
            let audit = daemon.log.replacingOccurrences(of: "\\/", with: "/")
            #expect(audit.contains("admin API: POST /api/v1/deliveries/\(deadId)/replay → 200"))
            #expect(audit.contains("admin API: DELETE /api/v1/silences/\(silenceId) → 200"))
            #expect(audit.contains("admin API: POST /api/v1/reload → 401"))
        }
    }

    static func rows(_ json: String) throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]] ?? []
    }

    // MARK: - docs/api.yaml

    /// `METHOD /path` → the response codes `docs/api.yaml` documents for it, and whether it names
    /// the admin token as its security. A small reader for the document's own layout (2-space indents).
    static func apiDocument() throws -> String {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1,
            !FileManager.default.fileExists(atPath: url.appendingPathComponent("docs/api.yaml").path)
        {
            url.deleteLastPathComponent()
        }
        return try String(contentsOf: url.appendingPathComponent("docs/api.yaml"), encoding: .utf8)
    }

    /// A schema of `components/schemas`: its property names and its `required` list.
    static func documentedSchema(_ name: String) throws -> (properties: Set<String>, required: Set<String>) {
        var properties = Set<String>()
        var required = Set<String>()
        var inSchema = false
        var inProperties = false
        var pendingRequired: String?
        for line in try apiDocument().split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            let content = line.trimmingCharacters(in: .whitespaces)
            if let partial = pendingRequired {
                pendingRequired = partial + " " + content
                if content.hasSuffix("]") {
                    required = Self.list(pendingRequired ?? "")
                    pendingRequired = nil
                }
                continue
            }
            if indent == 4 { inSchema = content == "\(name):" }
            guard inSchema else { continue }
            if indent == 6 {
                inProperties = content == "properties:"
                if content.hasPrefix("required: [") {
                    if content.hasSuffix("]") { required = Self.list(content) } else { pendingRequired = content }
                }
            } else if indent == 8, inProperties, content.hasSuffix(":") {
                properties.insert(String(content.dropLast()))
            }
        }
        return (properties, required)
    }

    static func list(_ text: String) -> Set<String> {
        guard let open = text.firstIndex(of: "["), let close = text.lastIndex(of: "]") else { return [] }
        return Set(
            text[text.index(after: open)..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// Every key of `object` is documented in `schema`, and every required one is there.
    static func expectConforms(_ object: [String: Any]?, to schema: String) throws {
        let documented = try documentedSchema(schema)
        #expect(!documented.properties.isEmpty, "schema \(schema) has properties")
        let keys = Set((object ?? [:]).keys)
        #expect(
            keys.isSubset(of: documented.properties),
            "\(schema): undocumented \(keys.subtracting(documented.properties))")
        #expect(documented.required.isSubset(of: keys), "\(schema): missing \(documented.required.subtracting(keys))")
    }

    static func documentedOperations() throws -> [String: (codes: Set<Int>, secured: Bool)] {
        let text = try apiDocument()
        var operations: [String: (codes: Set<Int>, secured: Bool)] = [:]
        var inPaths = false
        var path: String?
        var operation: String?
        var inResponses = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let indent = line.prefix { $0 == " " }.count
            let content = line.trimmingCharacters(in: .whitespaces)
            if indent == 0 {
                inPaths = content == "paths:"
                continue
            }
            guard inPaths else { continue }
            switch indent {
            case 2 where content.hasPrefix("/") && content.hasSuffix(":"):
                path = String(content.dropLast())
                operation = nil
            case 4 where ["get:", "post:", "delete:", "put:", "patch:"].contains(content):
                operation = path.map { "\(content.dropLast().uppercased()) \($0)" }
                if let operation { operations[operation] = ([], false) }
                inResponses = false
            case 6:
                inResponses = content == "responses:"
            case 8 where content.hasPrefix("- adminToken"):
                if let operation { operations[operation]?.secured = true }
            case 8 where inResponses:
                if let operation, let code = Int(content.trimmingCharacters(in: CharacterSet(charactersIn: "\":"))) {
                    operations[operation]?.codes.insert(code)
                }
            default: break
            }
        }
        return operations
    }

    static func expectDocumented(_ log: StatusPageTests.Exchanges) throws {
        let documented = try documentedOperations()
        for (operation, status) in log.seen {
            #expect(
                documented[operation]?.codes.contains(status) == true, "\(operation) answered \(status), undocumented")
        }
    }

    @Test("docs/api.yaml lists exactly the delivery states the API (and `tattle deliveries --state`) accepts")
    func openAPIStateEnum() throws {
        let document = try Self.apiDocument()
        let start = try #require(document.range(of: "operationId: listDeliveries"))
        let line = try #require(
            document[start.upperBound...].split(separator: "\n").first {
                $0.trimmingCharacters(in: .whitespaces).hasPrefix("enum: [")
            })
        #expect(
            Self.list(String(line)) == Set(DeliveriesCommands.Filter.allCases.map(\.rawValue)),
            "docs/api.yaml's state enum must list DeliveriesCommands.Filter's cases")
    }

    @Test("docs/api.yaml documents exactly the served endpoints; state-changing ones need the token, 401 and 403")
    func openAPIMatchesRoutes() throws {
        let documented = try Self.documentedOperations()
        let served = Set(AdminAPI.routes.map { "\($0.method) \($0.path)" })
        #expect(Set(documented.keys) == served)
        for route in AdminAPI.routes {
            let operation = try #require(documented["\(route.method) \(route.path)"])
            #expect(operation.secured == route.changesState, "\(route.method) \(route.path) security")
            if route.changesState {
                #expect(
                    operation.codes.isSuperset(of: [401, 403]), "\(route.method) \(route.path) documents 401 and 403")
            }
            #expect(operation.codes.contains { (200..<300).contains($0) })
        }
    }
}

@Suite("status page units")
struct StatusPageUnitTests {
    @Test(
        "HTML escaping",
        arguments: [
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("<img src=x onerror=\"a('b')\">", "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;"),
            ("a & b", "a &amp; b"), ("abc\u{202E}fed", "abc[U+202E]fed"), ("x\u{2066}y\u{200F}", "x[U+2066]y[U+200F]"),
            ("bell\u{07}", "bell\u{FFFD}"), ("line\nnext\ttab", "line\nnext\ttab"), ("部署失败 مرحبا", "部署失败 مرحبا"),
        ])
    func escaping(input: String, expected: String) {
        #expect(HTML.escape(input, scrubber: SecretScrubber()) == expected)
    }

    @Test("registered secrets are scrubbed before escaping")
    func scrubbedThenEscaped() {
        let scrubber = SecretScrubber()
        scrubber.register("s3cr3t&<token>")
        #expect(HTML.escape("url?key=s3cr3t&<token>", scrubber: scrubber) == "url?key=[redacted]")
    }

    @Test("token verdicts: disabled, rejected, accepted")
    func verdicts() {
        let token = AdminToken("0123456789abcdef0123")
        #expect(AdminToken(nil).verdict(authorization: "Bearer 0123456789abcdef0123") == .disabled)
        #expect(token.verdict(authorization: nil) == .rejected)
        #expect(token.verdict(authorization: "0123456789abcdef0123") == .rejected)
        #expect(token.verdict(authorization: "Basic 0123456789abcdef0123") == .rejected)
        #expect(token.verdict(authorization: "Bearer 0123456789abcdef012") == .rejected)
        #expect(token.verdict(authorization: "Bearer 0123456789abcdef01234") == .rejected)
        #expect(token.verdict(authorization: "Bearer ") == .rejected)
        #expect(token.verdict(authorization: "Bearer 0123456789abcdef0123") == .accepted)
        #expect(token.verdict(authorization: "bearer 0123456789abcdef0123") == .accepted)
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        let cases: [([UInt8], [UInt8])] = [
            ([], []), ([1], []), ([], [1]), ([1, 2], [1, 2]), ([1, 2], [1, 3]), ([1, 2, 3], [1, 2]),
        ]
        for (a, b) in cases { #expect(AdminToken.constantTimeEquals(a, b) == (a == b)) }
    }

    @Test("the token comes from TATTLE_ADMIN_TOKEN or a file; bad settings are refused")
    func resolve() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-token-\(UUID())")
        try Data("  file-token-abcdef0123456789\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try !AdminToken.resolve(environment: [:]).isEnabled)
        let fromFile = try AdminToken.resolve(environment: ["TATTLE_ADMIN_TOKEN_FILE": file.path])
        #expect(fromFile.verdict(authorization: "Bearer file-token-abcdef0123456789") == .accepted)
        let direct = try AdminToken.resolve(environment: ["TATTLE_ADMIN_TOKEN": "direct-token-0123456789"])
        #expect(direct.verdict(authorization: "Bearer direct-token-0123456789") == .accepted)
        #expect(throws: ConfigurationError.self) {
            try AdminToken.resolve(environment: ["TATTLE_ADMIN_TOKEN": "short"])
        }
        #expect(throws: ConfigurationError.self) {
            try AdminToken.resolve(environment: ["TATTLE_ADMIN_TOKEN_FILE": "/nonexistent/tattle-token"])
        }
        #expect(throws: ConfigurationError.self) {
            try AdminToken.resolve(
                environment: ["TATTLE_ADMIN_TOKEN": "direct-token-0123456789", "TATTLE_ADMIN_TOKEN_FILE": file.path])
        }
    }

    @Test("the receivers table shows whatever states the outbox holds, known ones in pipeline order")
    func genericStates() throws {
        let now = Date(timeIntervalSince1970: 1_764_400_000)
        let backlog = ReceiverBacklog(
            receiver: "ops<1>", counts: ["pending": 3, "retrying": 1, "held": 2, "quarantined": 4], oldestPendingAge: 90
        )
        let columns = StatusReport.stateColumns(seen: Set(backlog.counts.keys))
        #expect(columns == ["pending", "retrying", "held", "dead", "quarantined"])
        let report = StatusReport(
            generatedAt: now, regions: [], receivers: [.init(name: "ops<1>", type: "wecom", backlog: backlog)],
            stateColumns: columns, events: [], deadLetters: [], silences: [],
            reload: .init(
                outcome: "applied", trigger: "start", attemptedAt: now, loadedAt: now, ruleCount: 1, receiverCount: 1,
                lastError: nil),
            rulesFile: "rules.json",
            adminEnabled: false)
        let html = StatusPage.render(report, nonce: "n0nce")
        let receivers = StatusPageTests.section(html, id: "receivers")
        #expect(receivers.contains("<th>held</th><th>dead</th><th>quarantined</th><th>oldest pending</th>"))
        #expect(receivers.contains("<td>ops&lt;1&gt;</td>"))
        #expect(receivers.contains("<span class=\"bad\">2</span>"), "held rows stand out")
        #expect(receivers.contains("1m"), "oldest pending age")
        #expect(html.contains("<script nonce=\"n0nce\">"))
        #expect(html.contains("no events yet"))
    }

    @Test("tattle events lists events newest first with their receivers, or says there are none")
    func eventsTable() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await EventsCommands.list(store: store, limit: 10, json: false).text == "No events.")
        let at = Date(timeIntervalSince1970: 1_764_400_000)
        let event = Event(
            id: "evt-1", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: at,
            previousStatus: "RUNNING", status: "FAILED",
            invocation: InvocationInfo(
                id: "inv-1", status: "FAILED", metadata: InvocationMetadata(commandName: "deploy"), instanceCount: 1
            ))
        let quiet = Event(
            id: "evt-2", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: at, previousStatus: nil,
            status: "RUNNING", invocation: InvocationInfo(id: "inv-2", status: "RUNNING", instanceCount: 1))
        try await store.commit(
            CycleCommit(
                region: "ap-guangzhou", events: [event, quiet],
                dispatches: [Dispatch(eventId: "evt-1", receiver: "ops", rule: "failures", groupKey: "", notBefore: at)]))
        let lines = try await EventsCommands.list(store: store, limit: 10, json: false).text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasSuffix("invocation.status_changed inv-2 RUNNING  →  no rule matched"))
        #expect(lines[2].hasSuffix("invocation.status_changed inv-1 RUNNING→FAILED  →  ops (pending)"))
        let json = try await EventsCommands.list(store: store, limit: 1, json: true).text
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(listed.count == 1)
        #expect((listed.first?["event"] as? [String: Any])?["id"] as? String == "evt-2")
    }
}
