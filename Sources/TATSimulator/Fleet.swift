/// The simulated TAT fleet: every retained invocation, the scripted lifecycles, and the queries the two
/// API actions run. A value type owned by `TATSimulator` (an actor), so it needs no locking of its own.
///
/// All randomness is drawn when an invocation is *created* (ids, plans, outputs), never while time
/// advances, so the same seed and the same sequence of calls give the same fleet however finely
/// time is stepped.
struct Fleet: Sendable {
    var clock: FleetClock
    var generator: FleetGenerator
    private(set) var invocations: [String: FleetInvocation] = [:]
    /// Invocation keys in ascending (created, id) order; queries walk it backwards (newest first).
    private(set) var order: [FleetInvocation.OrderKey] = []
    /// Ids of invocations with scripted steps still to come.
    private(set) var active: Set<String> = []
    /// Task id → invocation id.
    private(set) var taskOwners: [String: String] = [:]
    private var script: ScriptRunner?
    /// The order listings answer in. Default newest first.
    var listingOrder = ListingOrder.newestFirst
    /// Invocation ids sorted by ``ListingOrder/scatter(_:)`` (then id): the unordered listing, kept
    /// up to date like `order` so that paging an unordered fleet never re-sorts it.
    private(set) var scattered: [ScatterKey] = []
    /// Invocations left out of every `DescribeInvocations` answer for now (a record that vanishes).
    var hidden: Set<String> = []

    init(clock: FleetClock, generator: FleetGenerator) {
        self.clock = clock
        self.generator = generator
    }

    /// The current simulated offset from the clock's origin.
    var now: Duration { clock.elapsed }

    /// The number of retained invocations.
    var count: Int { invocations.count }

    /// Starts a script's arrivals from now on (replacing any running script).
    mutating func run(_ fleetScript: FleetScript) {
        script = ScriptRunner(script: fleetScript, start: now, random: &generator.random)
        sync()
    }

    /// Brings every invocation up to the current simulated time, creating scripted arrivals first.
    mutating func sync() {
        let now = self.now
        while var runner = script, let arrival = runner.nextArrival, arrival <= now {
            let spec = runner.makeSpec(at: arrival, generator: &generator)
            script = runner
            insert(spec)
        }
        for id in active {
            guard var invocation = invocations[id] else {
                active.remove(id)
                continue
            }
            _ = invocation.advance(to: now)
            if !invocation.hasPendingSteps { active.remove(id) }
            invocations[id] = invocation
        }
    }

    /// Creates an invocation from a spec; returns its ids.
    @discardableResult
    mutating func insert(_ spec: InvocationSpec) -> InvocationHandle {
        let created = spec.createdAt ?? now
        let invocationId = spec.invocationId ?? generator.uniqueId(prefix: "inv-") { invocations[$0] != nil }
        let commandId = spec.commandId ?? generator.uniqueId(prefix: "cmd-") { _ in false }
        var tasks: [FleetTask] = []
        for taskSpec in spec.tasks {
            let taskId = generator.uniqueId(prefix: "invt-") { taskOwners[$0] != nil }
            let instance = taskSpec.instanceId ?? generator.instance(kind: spec.instanceKind)
            tasks.append(FleetTask(id: taskId, instanceId: instance, created: created, plan: taskSpec.plan))
            taskOwners[taskId] = invocationId
        }
        var invocation = FleetInvocation(
            id: invocationId, commandId: commandId, commandName: spec.commandName,
            description: spec.description, instanceKind: spec.instanceKind, username: spec.username,
            invocationSource: spec.invocationSource, commandContent: spec.commandContent,
            commandType: spec.commandType, timeout: spec.timeout, workingDirectory: spec.workingDirectory,
            parameters: spec.parameters, created: created, updated: created, tasks: tasks)
        invocation.refresh()
        _ = invocation.advance(to: now)
        if let old = invocations[invocationId] { remove(old.id) }
        invocations[invocationId] = invocation
        let key = invocation.orderKey
        if let last = order.last, last > key {
            order.insert(key, at: Self.lowerBound(of: key, in: order))
        } else {
            order.append(key)
        }
        let scatter = ScatterKey(invocationId)
        scattered.insert(scatter, at: Self.lowerBound(of: scatter, in: scattered))
        if invocation.hasPendingSteps { active.insert(invocationId) }
        return InvocationHandle(
            invocationId: invocationId, commandId: commandId, taskIds: tasks.map(\.id),
            instanceIds: tasks.map(\.instanceId))
    }

    /// Forgets an invocation, as the real service does once its retention ends. Returns whether it existed.
    @discardableResult
    mutating func remove(_ invocationId: String) -> Bool {
        guard let invocation = invocations.removeValue(forKey: invocationId) else { return false }
        let index = Self.lowerBound(of: invocation.orderKey, in: order)
        if index < order.count, order[index] == invocation.orderKey { order.remove(at: index) }
        let scatter = ScatterKey(invocationId)
        let position = Self.lowerBound(of: scatter, in: scattered)
        if position < scattered.count, scattered[position] == scatter { scattered.remove(at: position) }
        for task in invocation.tasks { taskOwners[task.id] = nil }
        active.remove(invocationId)
        return true
    }

    /// Sets a task's status now, dropping the rest of its plan. Returns false when the ids are unknown.
    mutating func setTaskStatus(invocationId: String, taskId: String, step: TaskStep) -> Bool {
        sync()
        guard var invocation = invocations[invocationId],
            let index = invocation.tasks.firstIndex(where: { $0.id == taskId })
        else { return false }
        invocation.tasks[index].plan.removeAll()
        invocation.tasks[index].apply(step, at: now)
        invocation.refresh()
        invocations[invocationId] = invocation
        return true
    }

    /// Cancels an invocation now, as `CancelInvocation` does: tasks not yet running become CANCELLED,
    /// running ones CANCELLING and, a second later, TERMINATED. Returns false for an unknown id.
    mutating func cancel(_ invocationId: String) -> Bool {
        sync()
        guard var invocation = invocations[invocationId] else { return false }
        let now = self.now
        for index in invocation.tasks.indices where !invocation.tasks[index].status.isTerminal {
            invocation.tasks[index].plan.removeAll()
            if invocation.tasks[index].status == .running {
                invocation.tasks[index].apply(TaskStep(after: .zero, .cancelling), at: now)
                invocation.tasks[index].plan = [
                    FleetTask.ScheduledStep(
                        at: now + .seconds(1),
                        step: TaskStep(after: .seconds(1), .terminated, exitCode: 143, output: "received SIGTERM\n"))
                ]
            } else {
                invocation.tasks[index].apply(TaskStep(after: .zero, .cancelled), at: now)
            }
        }
        invocation.refresh()
        invocations[invocationId] = invocation
        if invocation.hasPendingSteps { active.insert(invocationId) }
        return true
    }

    /// Newest-first iteration over every invocation.
    var newestFirst: some Sequence<FleetInvocation> {
        order.reversed().lazy.compactMap { invocations[$0.id] }
    }

    /// The invocation owning a task id.
    func owner(ofTask taskId: String) -> FleetInvocation? {
        taskOwners[taskId].flatMap { invocations[$0] }
    }

    /// The first index in sorted `list` whose element is not less than `key`.
    static func lowerBound<Key: Comparable>(of key: Key, in list: [Key]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid] < key { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

/// An invocation's place in the unordered listing.
struct ScatterKey: Comparable, Hashable, Sendable {
    var hash: UInt64
    var id: String

    init(_ id: String) {
        self.hash = ListingOrder.scatter(id)
        self.id = id
    }

    static func < (lhs: ScatterKey, rhs: ScatterKey) -> Bool {
        lhs.hash != rhs.hash ? lhs.hash < rhs.hash : lhs.id < rhs.id
    }
}
