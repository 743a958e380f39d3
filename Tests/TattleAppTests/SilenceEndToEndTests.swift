import Curl
import Foundation
import TATSimulator
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `tattle silence` against a running `tattle run`: a silenced failure is recorded and never sent,
/// an unmatched one is sent, and after the silence is expired (across a restart) the next is sent.
@Suite("Silences end to end", .serialized, .timeLimit(.minutes(2)))
struct SilenceEndToEndTests {
    /// Runs the built `tattle` with `arguments`; returns its exit status and standard output.
    static func tattle(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try DaemonProcess.binary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TATTLE_") }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// An invocation named `name` on two instances, one of which fails.
    static func failing(_ name: String) -> InvocationSpec {
        var spec = InvocationSpec(tasks: [
            .init(plan: TaskStep.succeeding(after: .seconds(3))),
            .init(plan: TaskStep.failing(after: .seconds(3), exitCode: 3, output: "error: manifest unknown\n")),
        ])
        spec.commandName = name
        return spec
    }

    @Test("add, a matching failure not sent but listed as silenced, a non-matching one sent, expiry and restart")
    func silences() async throws {
        try await DaemonEndToEndTests.withWorld { world in
            try world.writeRules(world.rulesText())
            let first = try world.startDaemon()
            defer { first.kill9() }
            try await first.waitUntilReady()
            let state = world.state.path

            let added = try Self.tattle([
                "silence", "add", "--state-dir", state, "--match", "invocation.commandName=e2e-deploy",
                "--match", "region=ap-*", "--for", "2h", "--comment", "rollout 42", "--author", "ops-e2e",
            ])
            #expect(added.status == 0, "\(added.output)")
            let id = try #require(
                added.output.split(separator: " ").dropFirst().first.map(String.init), "no id in \(added.output)")
            let listed = try Self.tattle(["silence", "list", "--state-dir", state])
            #expect(listed.output.contains(id) && listed.output.contains("active"))
            #expect(listed.output.contains("invocation.commandName=e2e-deploy region=ap-*"))
            #expect(listed.output.contains("ops-e2e") && listed.output.contains("rollout 42"))

            let quiet = await world.simulator.addInvocation(Self.failing("e2e-deploy"))
            let loud = await world.simulator.addInvocation(Self.failing("e2e-other"))
            await world.simulator.advance(by: .milliseconds(1200))
            await world.simulator.advance(by: .seconds(4))
            try await world.wecom.waitForRequests(count: 1)
            try await world.smtp.waitForMessages(count: 1)
            try await eventually("audit of the loud invocation") {
                world.auditStatuses().contains("PARTIAL_FAILED")
            }
            try await Task.sleep(for: .seconds(1))  // a silenced notification would arrive by now

            #expect(world.wecom.requests.count == 1)
            #expect(world.wecom.requests.first?.bodyText.contains(loud.invocationId) == true)
            // The invocation-level message carries the failed instance's exit code, TAT's error
            // text and the tail of its output, fetched by the watcher with DescribeInvocationTasks.
            let wecom = try #require(
                try JSONSerialization.jsonObject(with: Data(world.wecom.requests[0].body)) as? [String: Any])
            let content = try #require((wecom["text"] as? [String: Any])?["content"] as? String)
            #expect(content.contains("PARTIAL_FAILED on 1/2 instances"), "\(content)")
            #expect(
                content.contains(
                    ": FAILED (exit code 3) — command exited with code 3\n```\nerror: manifest unknown\n```"))
            let auditInvocations = world.audit.requests.flatMap(\.envelopeEvents).compactMap {
                ($0["invocation"] as? [String: Any])?["id"] as? String
            }
            #expect(!auditInvocations.isEmpty && auditInvocations.allSatisfy { $0 == loud.invocationId })

            let silenced = try Self.tattle(["deliveries", "--state", "silenced", "--state-dir", state, "--json"])
            #expect(silenced.status == 0)
            let rows = try #require(
                try JSONSerialization.jsonObject(with: Data(silenced.output.utf8)) as? [[String: Any]])
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0["silenceId"] as? String == id && $0["state"] as? String == "silenced" })
            #expect(rows.allSatisfy { $0["invocationId"] as? String == quiet.invocationId })
            #expect(Set(rows.compactMap { $0["receiver"] as? String }).isSuperset(of: ["ops-wecom", "mail", "audit"]))

            try await eventually("the silenced gauge") {
                let metrics = try await first.get("/metrics").bodyText
                return metrics.split(separator: "\n").contains { line in
                    line.hasPrefix("tattle_outbox_silenced ")
                        && (Double(line.split(separator: " ").last ?? "") ?? 0) >= Double(rows.count)
                }
            }

            // Expired while the daemon is down; after the restart the next failure is sent, the
            // silenced one never.
            first.signal(SIGTERM)
            #expect(try await first.waitForExit() == 0)
            let expired = try Self.tattle(["silence", "expire", "--state-dir", state, id])
            #expect(expired.status == 0 && expired.output.contains("expired"), "\(expired.output)")
            #expect(try Self.tattle(["silence", "list", "--state-dir", state]).output.contains("No active silences."))
            #expect(try Self.tattle(["silence", "expire", "--state-dir", state, "nope"]).status != 0)

            let second = try world.startDaemon()
            defer { second.kill9() }
            try await second.waitUntilReady()
            let again = await world.simulator.addInvocation(Self.failing("e2e-deploy"))
            await world.simulator.advance(by: .milliseconds(1200))
            await world.simulator.advance(by: .seconds(4))
            try await world.wecom.waitForRequests(count: 2)
            try await Task.sleep(for: .seconds(1))
            let bodies = world.wecom.requests.map(\.bodyText)
            #expect(bodies.count == 2)
            #expect(bodies.last?.contains(again.invocationId) == true)
            #expect(!bodies.contains { $0.contains(quiet.invocationId) })

            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0)
        }
    }
}
