import Foundation

/// An id passed to a fleet-control call does not exist (any more).
public struct FleetControlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was not found.
    public var description: String
}

extension TATSimulator {
    /// Moves simulated time forward (in either clock mode) and applies every scripted step now due.
    public func advance(by duration: Duration) {
        fleet.clock.advance(by: duration)
        fleet.sync()
    }

    /// The current simulated date.
    public var simulatedNow: Date {
        fleet.clock.now
    }

    /// Creates an invocation with a scripted plan per task; returns its ids.
    @discardableResult
    public func addInvocation(_ spec: InvocationSpec = InvocationSpec()) -> InvocationHandle {
        fleet.sync()
        return fleet.insert(spec)
    }

    /// Creates a random realistic live invocation now, as the scripts do. `failing` forces a quick failure.
    @discardableResult
    public func addRandomInvocation(failureProbability: Double = 0.2, failing: Bool = false) -> InvocationHandle {
        fleet.sync()
        let spec = fleet.generator.liveSpec(
            at: fleet.now, failureProbability: failureProbability, instanceCount: 1...3, forceFailure: failing)
        return fleet.insert(spec)
    }

    /// Sets a task's status now and drops the rest of its plan. Terminal statuses fill the result
    /// (`exitCode`, `output`, `errorInfo`; nil means the status's default).
    public func setTaskStatus(
        invocationId: String, taskId: String, status: FleetTaskStatus, exitCode: Int64? = nil,
        output: String? = nil, errorInfo: String? = nil
    ) throws(FleetControlError) {
        let step = TaskStep(after: .zero, status, exitCode: exitCode, output: output, errorInfo: errorInfo)
        guard fleet.setTaskStatus(invocationId: invocationId, taskId: taskId, step: step) else {
            throw FleetControlError(description: "no task \(taskId) in invocation \(invocationId)")
        }
    }

    /// Cancels an invocation now, as `CancelInvocation` does: tasks not yet running become CANCELLED,
    /// running ones CANCELLING, then TERMINATED one simulated second later.
    public func cancelInvocation(_ invocationId: String) throws(FleetControlError) {
        guard fleet.cancel(invocationId) else {
            throw FleetControlError(description: "no invocation \(invocationId)")
        }
    }

    /// Forgets an invocation, as retention does on the real service. Returns whether it existed.
    @discardableResult
    public func removeInvocation(_ invocationId: String) -> Bool {
        fleet.remove(invocationId)
    }

    /// Bulk-creates `count` finished invocations in the past and `active` RUNNING ones
    /// (e.g. 10,000 and 50), for polling-economy tests and benchmarks.
    public func seedRetained(count: Int, active: Int) {
        fleet.sync()
        fleet.seedRetained(count: count, active: active)
    }

    /// Starts a fleet activity preset from now on, replacing any running one.
    public func run(_ script: FleetScript) {
        fleet.run(script)
    }

    /// Starts the preset called `name` (`demo`, `busy`, `idle`).
    public func script(named name: String) throws(FleetControlError) {
        guard let script = FleetScript.named(name) else {
            throw FleetControlError(
                description: "no fleet script named \(name); known: "
                    + FleetScript.presets.keys.sorted().joined(separator: ", "))
        }
        fleet.run(script)
    }

    /// The number of retained invocations.
    public var invocationCount: Int {
        fleet.sync()
        return fleet.count
    }

    /// The current status of an invocation, nil when unknown.
    public func invocationStatus(_ invocationId: String) -> FleetInvocationStatus? {
        fleet.sync()
        return fleet.invocations[invocationId]?.status
    }

    /// The current status of a task, nil when unknown.
    public func taskStatus(taskId: String) -> FleetTaskStatus? {
        fleet.sync()
        return fleet.owner(ofTask: taskId)?.tasks.first { $0.id == taskId }?.status
    }

    /// Ids of every retained invocation, newest first.
    public func invocationIds() -> [String] {
        fleet.sync()
        return fleet.newestFirst.map(\.id)
    }
}
