import Foundation

extension Differ {
    /// The new state of one invocation and the events it produces (slow path: something changed).
    func step(
        _ before: InvocationState?, _ observation: ObservedInvocation, now: Date, region: String, emit: Bool
    ) -> (state: InvocationState, events: [Event]) {
        let sameStatus = before?.status == observation.status
        var state = InvocationState(
            id: observation.id, status: observation.status,
            statusSince: sameStatus ? before!.statusSince : now, timeout: observation.timeout,
            createdTime: observation.createdTime, tasks: [], stuckFired: sameStatus ? before!.stuckFired : false)

        let oldTasks = Self.tasksById(before?.tasks ?? [])
        let newTasks = observation.tasks.sorted { $0.id < $1.id }
        state.tasks.reserveCapacity(newTasks.count)
        var taskEvents: [(task: ObservedTask, previous: TaskStatus?)] = []
        for task in newTasks {
            let old = oldTasks[task.identity.packedID]
            if let old, old.statusCode == task.statusCode {
                state.tasks.append(TaskState(task, since: old.statusSince, stuckFired: old.stuckFired))
                continue
            }
            state.tasks.append(TaskState(task, since: now))
            if let old {
                taskEvents.append((task, old.status))
            } else if task.status != .pending {
                taskEvents.append((task, nil))
            }
        }

        // Stuck detection on the new state (a status that just changed has statusSince == now).
        var invocationStuck: StuckInfo?
        var stuckTasks: [String: StuckInfo] = [:]
        if stuckPolicy.isEnabled, !state.status.isTerminal {
            if !state.stuckFired, let limit = stuckPolicy.limit(for: state.status, timeout: state.timeout) {
                let elapsed = now.timeIntervalSince(state.statusSince)
                if elapsed >= limit {
                    state.stuckFired = true
                    invocationStuck = StuckInfo(since: state.statusSince, seconds: elapsed, limitSeconds: limit)
                }
            }
            for index in state.tasks.indices where !state.tasks[index].stuckFired {
                let task = state.tasks[index]
                guard let limit = stuckPolicy.limit(for: task.status, timeout: state.timeout) else { continue }
                let elapsed = now.timeIntervalSince(task.statusSince)
                if elapsed >= limit {
                    state.tasks[index].stuckFired = true
                    stuckTasks[task.id] = StuckInfo(since: task.statusSince, seconds: elapsed, limitSeconds: limit)
                }
            }
        }

        guard emit, !sameStatus || !taskEvents.isEmpty || invocationStuck != nil || !stuckTasks.isEmpty else {
            return (state, [])
        }
        let info = Self.info(observation, state: state)
        var events: [Event] = []
        if !sameStatus {
            let previous = before?.status
            events.append(
                Event(
                    id: EventID.make(
                        type: .invocationStatusChanged, region: region, invocationId: state.id, taskId: nil,
                        previousStatus: previous?.rawValue, status: state.status.rawValue),
                    type: .invocationStatusChanged, region: region, detectedAt: now,
                    previousStatus: previous.map(EventStatus.invocation), status: .invocation(state.status),
                    invocation: info))
        }
        if let invocationStuck {
            let status = EventStatus.invocation(state.status)
            events.append(
                Event(
                    id: EventID.make(
                        type: .invocationStuck, region: region, invocationId: state.id, taskId: nil,
                        previousStatus: status.rawValue, status: status.rawValue),
                    type: .invocationStuck, region: region, detectedAt: now, previousStatus: status, status: status,
                    invocation: info, stuck: invocationStuck))
        }
        var changes = taskEvents.makeIterator()
        var nextChange = changes.next()
        for task in state.tasks {
            let taskInfo = TaskInfo(id: task.id, instanceId: task.instanceId, status: task.status)
            if let change = nextChange, change.task.id == task.id {
                let previous = change.previous
                events.append(
                    Event(
                        id: EventID.make(
                            type: .taskStatusChanged, region: region, invocationId: state.id, taskId: task.id,
                            previousStatus: previous?.rawValue, status: task.status.rawValue),
                        type: .taskStatusChanged, region: region, detectedAt: now,
                        previousStatus: previous.map(EventStatus.task), status: .task(task.status), invocation: info,
                        task: taskInfo))
                nextChange = changes.next()
            }
            if let stuck = stuckTasks[task.id] {
                let status = EventStatus.task(task.status)
                events.append(
                    Event(
                        id: EventID.make(
                            type: .taskStuck, region: region, invocationId: state.id, taskId: task.id,
                            previousStatus: status.rawValue, status: status.rawValue),
                        type: .taskStuck, region: region, detectedAt: now, previousStatus: status, status: status,
                        invocation: info, task: taskInfo, stuck: stuck))
            }
        }
        return (state, events)
    }

    static func tasksById(_ tasks: [TaskState]) -> [CompactID: TaskState] {
        var byId: [CompactID: TaskState] = [:]
        byId.reserveCapacity(tasks.count)
        for task in tasks { byId[task.identity.packedID] = task }
        return byId
    }

    /// The invocation's metadata with task counts, and the failed instances when terminal.
    static func info(_ observation: ObservedInvocation, state: InvocationState) -> InvocationInfo {
        var counts: [TaskStatus: Int] = [:]
        for task in state.tasks { counts[task.status, default: 0] += 1 }
        var failed: [InstanceOutcome]?
        if state.status.isTerminal {
            failed = state.tasks.filter { $0.status != .success }.map {
                InstanceOutcome(instanceId: $0.instanceId, taskId: $0.id, status: $0.status)
            }
        }
        return InvocationInfo(
            id: observation.id, status: observation.status, metadata: observation.metadata,
            taskCounts: counts, instanceCount: state.tasks.count, failedInstances: failed
        )
    }
}
