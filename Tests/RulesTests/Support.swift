import Events
import Foundation

@testable import Rules

/// Paths and builders shared by the rules tests.
enum Support {
    /// The repository root (this file is Tests/RulesTests/Support.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func file(_ relative: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(relative)) }

    /// Loads rules text; `#require`s success in the callers that need it.
    static func load(_ text: String, env: [String: String] = [:], references: RuleSet.ReferencePolicy = .warn)
        -> (RuleSet?, [Diagnostic])
    {
        RuleSet.load(data: Data(text.utf8), resolver: StaticReferenceResolver(variables: env), references: references)
    }

    /// A rules file with one webhook receiver per platform name given and the rules given.
    static func rulesFile(rules: String, receivers: String? = nil, defaults: String = "{}") -> String {
        let receivers =
            receivers ?? """
                {"hook": {"type": "webhook", "url": "https://hooks.example.com/x"},
                 "mail": {"type": "email", "smtp": {"url": "smtp://localhost:25"}, "from": "t@example.com", "to": ["a@example.com"]}}
                """
        return "{\"version\": 1, \"defaults\": \(defaults), \"receivers\": \(receivers), \"rules\": \(rules)}"
    }

    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z, a Wednesday

    static func event(
        type: EventType = .invocationStatusChanged, status: String = "FAILED", previous: String? = "RUNNING",
        command: String = "deploy-web", commandId: String = "cmd-1", invocationId: String = "inv-1",
        region: String = "ap-guangzhou", task: TaskInfo? = nil, stuck: StuckInfo? = nil,
        taskCounts: [TaskStatus: Int] = ["FAILED": 1, "SUCCESS": 2], description: String? = nil
    ) -> Event {
        let id = EventID.make(
            type: type, region: region, invocationId: invocationId, taskId: task?.id, previousStatus: previous,
            status: status)
        return Event(
            id: id, type: type, region: region, detectedAt: t0,
            previousStatus: previous.map { EventStatus(rawValue: $0, for: type) }, status: EventStatus(rawValue: status, for: type),
            invocation: InvocationInfo(
                id: invocationId, status: InvocationStatus(rawValue: status),
                metadata: InvocationMetadata(commandId: commandId, commandName: command, description: description),
                taskCounts: taskCounts, instanceCount: 3
            ),
            task: task, stuck: stuck
        )
    }
}
