/// One invocation as the simulator stores it: its metadata, its tasks and the derived status.
struct FleetInvocation: Sendable {
    var id: String
    var commandId: String
    var commandName: String
    var description: String
    var instanceKind: String
    var username: String
    var invocationSource: String
    var commandContent: String
    var commandType: String
    var timeout: Int64
    var workingDirectory: String
    var parameters: String
    var created: Duration
    var updated: Duration
    var tasks: [FleetTask]
    var status: FleetInvocationStatus = .pending

    /// The key that orders invocations: creation time, then id.
    var orderKey: OrderKey { OrderKey(created: created, id: id) }

    /// Whether any task still has a scripted step to come.
    var hasPendingSteps: Bool { tasks.contains(where: \.hasPendingSteps) }

    /// The end of the invocation: the last task end once every task is terminal, nil before.
    var end: Duration? {
        guard status.isTerminal else { return nil }
        return tasks.compactMap(\.end).max() ?? updated
    }

    /// Applies every step due at or before `now` to every task; returns whether anything changed.
    mutating func advance(to now: Duration) -> Bool {
        var changed = false
        for index in tasks.indices where tasks[index].advance(to: now) {
            changed = true
        }
        if changed { refresh() }
        return changed
    }

    /// Recomputes the status and update time from the tasks.
    mutating func refresh() {
        status = FleetInvocationStatus.derived(from: tasks.map(\.status))
        updated = max(created, tasks.map(\.updated).max() ?? created)
    }

    /// Sort key: newest first means descending `OrderKey`.
    struct OrderKey: Comparable, Hashable, Sendable {
        var created: Duration
        var id: String

        static func < (lhs: OrderKey, rhs: OrderKey) -> Bool {
            lhs.created != rhs.created ? lhs.created < rhs.created : lhs.id < rhs.id
        }
    }
}
