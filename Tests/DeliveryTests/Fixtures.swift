import Delivery
import Events
import Foundation
import Outbox
import Rules
import Store

/// Builders shared by the delivery tests.
enum Fixtures {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(_ n: Int, status: String = "FAILED") -> Event {
        Event(
            id: "evt_\(n)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: epoch,
            previousStatus: "RUNNING", status: EventStatus(rawValue: status, for: .invocationStatusChanged),
            invocation: InvocationInfo(
                id: "inv-\(n)", status: InvocationStatus(rawValue: status),
                metadata: InvocationMetadata(commandName: "deploy")
            ))
    }

    static func row(
        _ n: Int, receiver: String = "ops", rule: String = "failures", groupKey: String = "", attempts: Int = 0,
        createdAt: Date = epoch
    ) -> OutboxRow {
        OutboxRow(
            id: Int64(n),
            dispatch: Dispatch(eventId: "evt_\(n)", receiver: receiver, rule: rule, groupKey: groupKey, notBefore: createdAt),
            event: event(n), state: .pending, attempts: attempts, nextAttemptAt: createdAt, createdAt: createdAt)
    }
}

/// Runs a Python snippet and returns its standard output without the trailing newline: an
/// independent implementation to check ours against.
enum Python {
    static func run(_ code: String, _ arguments: [String] = [], input: [UInt8] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code] + arguments
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PythonFailed(status: process.terminationStatus) }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    struct PythonFailed: Error { var status: Int32 }
}
