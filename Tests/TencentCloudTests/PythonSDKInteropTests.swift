import Foundation
import TATSimulator
import TencentCloud
import Testing

/// The official Tencent Cloud Python SDK (`tencentcloud-sdk-python-tat`) as an independent client:
/// its signed requests must be accepted, its models must parse what the simulator returns, and a wrong
/// key must give `AuthFailure.SignatureFailure`. CI installs the SDK; without it this test fails.
@Suite("Python SDK interop", .timeLimit(.minutes(1)))
struct PythonSDKInteropTests {
    /// `Tests/python/sdk_client.py`, found from this source file's location.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("python/sdk_client.py").path

    @Test("the official Python SDK is accepted and parses the simulator's answers")
    func pythonSDK() async throws {
        let simulator = try await TATSimulator(configuration: .init(seed: 42))
        try await simulator.start()
        let failing = await simulator.addInvocation(
            InvocationSpec(
                commandName: "backup-mysql",
                tasks: [
                    .init(
                        plan: TaskStep.failing(after: .seconds(2), exitCode: 2, output: "mysqldump: Got error: 2013\n")),
                    .init(plan: TaskStep.succeeding(after: .seconds(1), output: "done\n")),
                ]))
        for _ in 0..<4 {
            await simulator.advance(by: .seconds(1))
            await simulator.addInvocation()
        }
        await simulator.advance(by: .seconds(10))
        let host = await simulator.hostAndPort
        let credentials = TATSimulator.testCredentials

        let run = try await runPython([
            Self.script, host, credentials.secretId, credentials.secretKey, "ap-guangzhou", failing.invocationId,
        ])
        await simulator.stop()
        if run.status == 3 || run.stderr.contains("No module named") {
            Issue.record("tencentcloud SDK not importable: pip install -r Tests/python/requirements.txt")
            return
        }
        try #require(run.status == 0, "sdk_client.py failed: \(run.stderr)")
        let output = try #require(
            try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "stdout: \(run.stdout)")

        let page1 = try #require(output["page1"] as? [String: Any])
        let page2 = try #require(output["page2"] as? [String: Any])
        #expect(page1["TotalCount"] as? Int == 5)
        let ids1 = (page1["InvocationSet"] as? [[String: Any]] ?? []).compactMap { $0["InvocationId"] as? String }
        let ids2 = (page2["InvocationSet"] as? [[String: Any]] ?? []).compactMap { $0["InvocationId"] as? String }
        #expect(ids1.count == 2 && ids2.count == 2 && Set(ids1).isDisjoint(with: ids2))

        let typed = try #require(output["typed"] as? [String: Any])
        #expect(typed["InvocationId"] as? String == failing.invocationId)
        #expect(typed["InvocationStatus"] as? String == "PARTIAL_FAILED")
        #expect(typed["CommandName"] as? String == "backup-mysql")
        #expect(typed["TaskIds"] as? [String] == failing.taskIds)
        #expect((typed["CreatedTime"] as? String)?.hasSuffix("+00:00") == true)
        #expect((typed["CommandContent"] as? String)?.hasPrefix("#!/bin/bash") == true)

        let outputs = try #require(output["decodedOutputs"] as? [String])
        #expect(Set(outputs) == ["mysqldump: Got error: 2013\n", "done\n"])
        #expect(Set(output["exitCodes"] as? [Int] ?? []) == [2, 0])
        #expect(output["wrongKey"] as? String == "AuthFailure.SignatureFailure")
    }

    /// Runs `python3` (from PATH) with `arguments`; returns exit status, stdout and stderr.
    func runPython(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.terminationHandler = { finished in
                let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (finished.terminationStatus, stdout, stderr))
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
