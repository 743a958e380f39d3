import Curl
import Foundation
import Store
import Synchronization
import TATSimulator
import TencentCloud
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The chaos soak: the real `tattle run` process against an in-process TAT simulator, SIGKILLed and
/// restarted at seeded moments, while the webhook receiver drops connections and answers 500, 429 and
/// 200-with-an-error-code, the SMTP server refuses with 451, and the simulator injects 5xx, throttling,
/// slow answers, malformed and truncated bodies. Then a quiet phase drains the outbox.
///
/// Oracle: every invocation's final (terminal) status event reaches every receiver its rules name at
/// least once; every event any receiver saw belongs to an invocation the simulator made and, when
/// terminal, carries that invocation's real final status (no invented event); each event id travels
/// under exactly one idempotency key; the outbox ends empty with no dead letter; no secret in stderr.
///
/// Bounded: the chaos phase lasts 50 s by default (`TATTLE_SOAK_SECONDS` for longer), the drain at
/// most 60 s. The seed is `TATTLE_SOAK_SEED` (default 20261129).
@Suite(.serialized) struct ChaosSoakTests {
    static let webhookSecret = "whsec_c29hay1zaWduaW5nLXNlY3JldC0wMDAwMDE="
    static let wecomKey = "soak-robot-key-9d8e7f6a5b4c"

    enum Mode: String, CaseIterable { case ok, down, http500, http429, platformBusy }

    /// What the webhook side saw: every request and whether it was answered with success.
    final class Ledger: Sendable {
        struct Entry { var path: String; var id: String?; var body: [UInt8]; var accepted: Bool }
        let entries = Mutex<[Entry]>([])
        let mode = Mutex<Mode>(.ok)

        func behavior() -> HTTPReceiver.Behavior {
            .dynamic { [self] request in
                let mode = self.mode.withLock { $0 }
                let wecom = request.path.hasPrefix("/cgi-bin")
                self.entries.withLock {
                    $0.append(Entry(path: request.path, id: request.header("webhook-id"), body: request.body,
                        accepted: mode == .ok))
                }
                switch mode {
                case .ok: return wecom ? .json(200, #"{"errcode":0,"errmsg":"ok"}"#) : .text(200, "ok")
                case .down: return .closeConnection
                case .http500: return .text(500, "boom")
                case .http429: return .text(429, "slow down", headers: [.init("Retry-After", "1")])
                case .platformBusy:
                    return wecom ? .json(200, #"{"errcode":-1,"errmsg":"system busy"}"#) : .text(503, "busy")
                }
            }
        }
    }

    /// The `tattle run` child process and its restarts.
    final class Child: @unchecked Sendable {
        let binary: URL
        let arguments: [String]
        let environment: [String: String]
        let logDirectory: URL
        var process: Process?
        var runs = 0

        init(binary: URL, arguments: [String], environment: [String: String], logDirectory: URL) {
            self.binary = binary
            self.arguments = arguments
            self.environment = environment
            self.logDirectory = logDirectory
        }

        func start() throws {
            runs += 1
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.environment = environment
            let log = logDirectory.appendingPathComponent("run-\(runs).stderr")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            self.process = process
        }

        func send(_ signal: Int32) {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }

        var stderr: String {
            (1...max(runs, 1)).map {
                (try? String(contentsOf: logDirectory.appendingPathComponent("run-\($0).stderr"), encoding: .utf8)) ?? ""
            }.joined()
        }
    }

    static func rules(hook: String, wecom: String, smtp: String) -> String {
        """
        {
          "version": 1,
          "receivers": {
            "hook": {
              "type": "webhook", "url": "\(hook)/audit", "format": "event", "secret": "\(webhookSecret)",
              "rateLimit": { "count": 10000, "perSeconds": 1 },
              "retry": { "maxAttempts": 50, "maxAge": "1h" }
            },
            "robot": {
              "type": "wecom", "url": "\(wecom)/cgi-bin/webhook/send?key=\(wecomKey)", "format": "text",
              "rateLimit": { "count": 10000, "perSeconds": 1 },
              "retry": { "maxAttempts": 50, "maxAge": "1h" }
            },
            "mail": {
              "type": "email", "smtp": { "url": "\(smtp)" },
              "from": "Tattle <tattle@example.test>", "to": ["ops@example.test"],
              "retry": { "maxAttempts": 50, "maxAge": "1h" }
            }
          },
          "rules": [
            { "name": "failed-to-robot-and-mail",
              "match": { "type": "invocation.status_changed", "status": ["FAILED", "PARTIAL_FAILED"] },
              "receivers": ["robot", "mail"], "continue": true },
            { "name": "every-invocation-change", "match": { "type": "invocation.status_changed" },
              "receivers": ["hook"] }
          ]
        }
        """
    }

    @Test(.timeLimit(.minutes(4)))
    func soak() async throws {
        let environment = ProcessInfo.processInfo.environment
        let chaosSeconds = environment["TATTLE_SOAK_SECONDS"].flatMap(Double.init) ?? 50
        let seed = environment["TATTLE_SOAK_SEED"].flatMap(UInt64.init) ?? 20_261_129
        var random = SeededRandom(seed: seed)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("tattle")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build with `swift build --build-tests`")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-soak-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let simulator = try await TATSimulator(
            configuration: .init(seed: seed, clockMode: .manual, origin: Date().addingTimeInterval(-600),
                requestsPerSecond: 200))
        try await simulator.start()
        let ledger = Ledger()
        let receiver = try await HTTPReceiver(default: ledger.behavior()).start()
        let refusing = try await SMTPTestServer.start(reject: 451)
        let accepting = try await SMTPTestServer.start()
        defer {
            refusing.stop()
            accepting.stop()
        }

        let rulesFile = directory.appendingPathComponent("rules.json")
        try Data(Self.rules(hook: receiver.url, wecom: receiver.url, smtp: refusing.url).utf8).write(to: rulesFile)
        let credentials = TATSimulator.testCredentials
        var childEnvironment = environment
        childEnvironment["TENCENTCLOUD_SECRET_ID"] = credentials.secretId
        childEnvironment["TENCENTCLOUD_SECRET_KEY"] = credentials.secretKey
        childEnvironment["TENCENTCLOUD_REGION"] = "ap-guangzhou"
        childEnvironment["TATTLE_RETRY_BASE_SECONDS"] = "0.5"
        let stateDirectory = directory.appendingPathComponent("state")
        let child = Child(
            binary: binary,
            arguments: [
                "run", "--rules", rulesFile.path, "--state-dir", stateDirectory.path, "--interval", "0.2",
                "--endpoint", await simulator.endpoint, "--listen", "127.0.0.1:0", "--backfill", "86400",
                "--log-format", "json", "--log-level", "debug", "--shutdown-grace", "2",
            ],
            environment: childEnvironment, logDirectory: directory)
        try child.start()
        defer { child.send(SIGKILL) }

        // Let the first run baseline the empty fleet before anything happens.
        let baselineDeadline = ContinuousClock.now + .seconds(20)
        while await simulator.callCount(action: .describeInvocations) < 2, ContinuousClock.now < baselineDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(1))

        // Chaos.
        var transitions = 0
        var handles: [InvocationHandle] = []
        var kills = 0
        var faultPhases = 0
        let started = ContinuousClock.now
        var nextKill = started + .milliseconds(Int64(3000 + random.soakUnit() * 5000))
        var nextPhase = started
        var smtpSwitched = false
        while ContinuousClock.now - started < .seconds(chaosSeconds) || transitions < 1000 {
            let now = ContinuousClock.now
            if now >= nextPhase {
                nextPhase = now + .milliseconds(Int64(1500 + random.soakUnit() * 2500))
                let mode: Mode = random.soakUnit() < 0.45 ? .ok : random.soakPick([.down, .http500, .http429, .platformBusy])
                ledger.mode.withLock { $0 = mode }
                if random.soakUnit() < 0.5 {
                    await simulator.injectFaults(
                        FaultInjection(
                            probability: 0.3,
                            kinds: [.http500, .http503, .requestLimitExceeded, .malformedJSON, .truncatedBody,
                                .slow(.milliseconds(700)), .internalError]))
                    faultPhases += 1
                } else {
                    await simulator.clearFaults()
                }
                if mode != .ok { faultPhases += 1 }
            }
            if !smtpSwitched, now - started > .seconds(chaosSeconds / 2) {
                // The mail server stops refusing: the rules now name the accepting one (a reload, or a
                // restart reading the file).
                try Data(Self.rules(hook: receiver.url, wecom: receiver.url, smtp: accepting.url).utf8)
                    .write(to: rulesFile, options: .atomic)
                smtpSwitched = true
            }
            if now >= nextKill {
                child.send(SIGKILL)
                kills += 1
                try await Task.sleep(for: .milliseconds(Int64(100 + random.soakUnit() * 600)))
                try child.start()
                nextKill = ContinuousClock.now + .milliseconds(Int64(2500 + random.soakUnit() * 5000))
            }
            // New work: 0–2 invocations of 1–4 tasks each, a fifth of the tasks failing.
            for _ in 0..<Int(random.soakUnit() * 3) {
                let tasks = (0..<(1 + Int(random.soakUnit() * 4))).map { _ in
                    let runFor = Duration.milliseconds(Int64(500 + random.soakUnit() * 4000))
                    return InvocationSpec.Task(
                        plan: random.soakUnit() < 0.2 ? TaskStep.failing(after: runFor) : TaskStep.succeeding(after: runFor))
                }
                transitions += tasks.reduce(0) { $0 + $1.plan.count }
                handles.append(await simulator.addInvocation(InvocationSpec(commandName: "soak", tasks: tasks)))
            }
            await simulator.advance(by: .milliseconds(500))
            try await Task.sleep(for: .milliseconds(100))
        }

        // Quiet: no faults, everything finishes, the receivers accept; wait for the drain.
        await simulator.clearFaults()
        ledger.mode.withLock { $0 = .ok }
        if !smtpSwitched {
            try Data(Self.rules(hook: receiver.url, wecom: receiver.url, smtp: accepting.url).utf8)
                .write(to: rulesFile, options: .atomic)
        }
        await simulator.advance(by: .seconds(600))
        var finals: [String: String] = [:]
        for handle in handles {
            finals[handle.invocationId] = await simulator.invocationStatus(handle.invocationId)?.rawValue
        }
        #expect(finals.values.allSatisfy { FleetInvocationStatus(rawValue: $0)?.isTerminal == true })
        let failing = Set(finals.filter { ["FAILED", "PARTIAL_FAILED"].contains($0.value) }.keys)

        func missing() throws -> (hook: Set<String>, robot: Set<String>, mail: Set<String>) {
            var hook = Set(finals.keys)
            var robot = failing
            for entry in ledger.entries.withLock({ $0 }) where entry.accepted {
                if entry.path == "/audit" {
                    for event in try Self.events(in: entry.body)
                    where finals[event.invocation] == event.status {
                        hook.remove(event.invocation)
                    }
                } else {
                    let text = String(decoding: entry.body, as: UTF8.self)
                    robot = robot.filter { !text.contains($0) }
                }
            }
            let mails = (try? accepting.messages()) ?? []
            let texts = mails.map { Self.decodedMail($0.text) }
            let mail = failing.filter { id in !texts.contains { $0.contains(id) } }
            return (hook, robot, mail)
        }
        func outboxBusy() async -> Bool {
            guard let store = try? SQLiteStore(directory: stateDirectory) else { return true }
            defer { try? store.close() }
            guard let stats = try? await store.stats(now: Date()) else { return true }
            return stats.pending + stats.inFlight > 0
        }
        let drainDeadline = ContinuousClock.now + .seconds(60)
        var left = try missing()
        var busy = await outboxBusy()
        while !(left.hook.isEmpty && left.robot.isEmpty && left.mail.isEmpty) || busy,
            ContinuousClock.now < drainDeadline
        {
            try await Task.sleep(for: .milliseconds(250))
            left = try missing()
            busy = await outboxBusy()
        }
        #expect(left.hook.isEmpty, "final status never delivered to hook: \(left.hook.sorted().prefix(10))")
        #expect(left.robot.isEmpty, "failure never delivered to robot: \(left.robot.sorted().prefix(10))")
        #expect(left.mail.isEmpty, "failure never mailed: \(left.mail.sorted().prefix(10))")

        // Graceful stop, then the outbox must be empty with no dead letter.
        child.send(SIGTERM)
        let store = try SQLiteStore(directory: stateDirectory)
        let stats = try await store.stats(now: Date())
        try store.close()
        #expect(stats.pending + stats.inFlight == 0, "outbox not drained: \(stats)")
        #expect(stats.dead == 0, "dead letters: \(stats)")

        // No invented event; one idempotency key per event.
        let entries = ledger.entries.withLock { $0 }
        var keysByEvent: [String: Set<String>] = [:]
        var deliveredKeys: [String: Int] = [:]
        for entry in entries where entry.path == "/audit" {
            let events = try Self.events(in: entry.body)
            for event in events {
                let final = finals[event.invocation]
                #expect(final != nil, "event for an unknown invocation \(event.invocation)")
                if let final, FleetInvocationStatus(rawValue: event.status)?.isTerminal != false {
                    #expect(event.status == final, "invented status \(event.status) for \(event.invocation) (final \(final))")
                }
                #expect(event.previous != event.status)
                keysByEvent[event.id, default: []].insert(entry.id ?? "none")
            }
            if entry.accepted { deliveredKeys[entry.id ?? "none", default: 0] += 1 }
        }
        let splitKeys = keysByEvent.filter { $0.value.count != 1 }
        #expect(splitKeys.isEmpty, "events under several idempotency keys: \(splitKeys.prefix(5))")
        #expect(!deliveredKeys.keys.contains("none"), "a webhook without webhook-id")

        let logs = child.stderr
        for secret in [credentials.secretKey, Self.webhookSecret, Self.wecomKey] {
            #expect(!logs.contains(secret), "a secret leaked into stderr")
        }

        let delivered = entries.filter(\.accepted).count + ((try? accepting.messages().count) ?? 0)
        let duplicates = deliveredKeys.values.reduce(0) { $0 + $1 - 1 }
        let elapsed = ContinuousClock.now - started
        print("soak seed \(seed): \(handles.count) invocations, chaos \(Int(chaosSeconds)) s, total \(elapsed)")
        print("soak transitions \(transitions)")
        print("soak deliveries \(delivered) (requests \(entries.count), mails \((try? accepting.messages().count) ?? 0))")
        print("soak duplicates \(duplicates)")
        print("soak kills \(kills)")
        print("soak faults \(faultPhases) phases, \(await simulator.calls.filter { $0.fault != nil }.count) injected API faults")
        await receiver.stop()
        await simulator.stop()
    }

    /// The mail as received plus its base64 parts decoded.
    static func decodedMail(_ raw: String) -> String {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
        var output = raw
        var chunk = ""
        let lines: [Substring] = raw.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) + [""]
        for line in lines {
            if !line.isEmpty, line.allSatisfy({ alphabet.contains($0) }) {
                chunk += line
            } else {
                if let data = Data(base64Encoded: chunk) { output += "\n" + String(decoding: data, as: UTF8.self) }
                chunk = ""
            }
        }
        return output
    }

    struct SeenEvent { var id: String; var invocation: String; var previous: String?; var status: String }

    static func events(in body: [UInt8]) throws -> [SeenEvent] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let events = try #require(object["events"] as? [[String: Any]])
        return try events.map { event in
            let invocation = try #require(event["invocation"] as? [String: Any])
            return SeenEvent(
                id: try #require(event["id"] as? String), invocation: try #require(invocation["id"] as? String),
                previous: event["previousStatus"] as? String, status: try #require(event["status"] as? String))
        }
    }
}

extension SeededRandom {
    /// A uniform value in `[0, 1)`.
    mutating func soakUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// One of `items`, uniformly.
    mutating func soakPick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
