/// The variables templates may use, as a tree, for the "unknown variable" warning of `tattle check`.
/// Mirrors ``MessageContext`` and friends.
indirect enum TemplateSchema: Sendable {
    case leaf
    /// An object with known members.
    case object([String: TemplateSchema])
    /// A list whose items have the given members (sections iterate it).
    case list([String: TemplateSchema])
    /// An object with arbitrary keys (task counts).
    case map

    static let instance: [String: TemplateSchema] = [
        "instanceId": .leaf, "taskId": .leaf, "status": .leaf, "exitCode": .leaf, "errorInfo": .leaf,
        "outputTail": .leaf, "outputOmittedBytes": .leaf,
    ]

    static let invocation: [String: TemplateSchema] = [
        "id": .leaf, "commandId": .leaf, "commandName": .leaf, "description": .leaf, "instanceKind": .leaf,
        "source": .leaf, "username": .leaf, "createdTime": .leaf, "startTime": .leaf, "endTime": .leaf,
        "timeout": .leaf, "status": .leaf, "taskCounts": .map, "instanceCount": .leaf,
        "failedInstances": .list(instance), "durationSeconds": .leaf,
    ]

    static let task: [String: TemplateSchema] = [
        "id": .leaf, "instanceId": .leaf, "status": .leaf, "exitCode": .leaf, "errorInfo": .leaf, "dropped": .leaf,
        "output": .object(["text": .leaf, "omittedBytes": .leaf]), "startTime": .leaf, "endTime": .leaf,
        "durationSeconds": .leaf,
    ]

    static let stuck: [String: TemplateSchema] = [
        "since": .leaf, "seconds": .leaf, "limitSeconds": .leaf, "duration": .leaf, "limit": .leaf,
    ]

    /// The variables of one event (items of `events`).
    static let event: [String: TemplateSchema] = [
        "id": .leaf, "version": .leaf, "type": .leaf, "region": .leaf, "account": .leaf,
        "detectedAt": .leaf, "previousStatus": .leaf,
        "status": .leaf, "statusTransition": .leaf, "invocation": .object(invocation), "task": .object(task),
        "stuck": .object(stuck), "commandName": .leaf, "title": .leaf, "statusEmoji": .leaf, "isRecovery": .leaf,
        "isFailure": .leaf, "isStuck": .leaf, "isTask": .leaf, "instances": .list(instance),
        "detailedInstances": .list(instance), "moreInstances": .object(["count": .leaf, "ids": .leaf]),
        "failedCount": .leaf,
        "hasFailures": .leaf, "exitCode": .leaf, "errorInfo": .leaf, "instanceId": .leaf, "outputTail": .leaf,
        "outputOmittedBytes": .leaf, "console": .leaf,
    ]

    /// The top level of a message.
    static let message: [String: TemplateSchema] = event.merging([
        "events": .list(event), "count": .leaf, "moreCount": .leaf, "isGroup": .leaf, "rule": .leaf, "receiver": .leaf,
        "body": .leaf,
    ]) { $1 }

    /// The schema of a dotted name looked up in `scope`, or `nil` when it does not exist.
    static func resolve(_ name: String, in scope: [String: TemplateSchema]) -> TemplateSchema? {
        var current = TemplateSchema.object(scope)
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let members), .list(let members):
                guard let next = members[String(part)] else { return nil }
                current = next
            case .map: current = .leaf
            case .leaf: return nil
            }
        }
        return current
    }
}
