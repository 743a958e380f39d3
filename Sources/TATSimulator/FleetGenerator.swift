import Timekeeping
/// Draws realistic invocations from a seeded generator: ids, instances, commands and per-task plans.
struct FleetGenerator: Sendable {
    var random: SeededRandom
    /// The instances of the fleet, by kind (`CVM`, `LIGHTHOUSE`).
    let instances: [String: [String]]

    /// Creates a generator and draws a fleet of `cvm` CVM and `lighthouse` Lighthouse instances.
    init(seed: UInt64, cvm: Int = 8, lighthouse: Int = 4) {
        var random = SeededRandom(seed: seed)
        let cvmIds = (0..<max(cvm, 1)).map { _ in "ins-" + random.identifier() }
        let lighthouseIds = (0..<max(lighthouse, 1)).map { _ in "lhins-" + random.identifier() }
        self.random = random
        self.instances = ["CVM": cvmIds, "LIGHTHOUSE": lighthouseIds]
    }

    /// A fresh `prefix` + 8 characters id for which `taken` is false.
    mutating func uniqueId(prefix: String, taken: (String) -> Bool) -> String {
        while true {
            let id = prefix + random.identifier()
            if !taken(id) { return id }
        }
    }

    /// One instance of `kind` (any CVM instance for an unknown kind).
    mutating func instance(kind: String) -> String {
        random.pick(instances[kind] ?? instances["CVM"]!)
    }

    /// A live invocation created at `created`: commands, instances and plans drawn at random.
    /// `forceFailure` makes the first task fail quickly (the demo's first alert).
    mutating func liveSpec(
        at created: Duration, failureProbability: Double, instanceCount: ClosedRange<Int>,
        forceFailure: Bool = false
    ) -> InvocationSpec {
        let command = random.pick(OutputCatalog.commands)
        var spec = baseSpec(command: command, created: created)
        let timesOut = !forceFailure && random.chance(0.05)
        if timesOut { spec.timeout = Int64.random(in: 8...15, using: &random) }
        let cancelAt: Duration? = random.chance(0.03) ? random.duration(in: .seconds(2)...(.seconds(6))) : nil
        let kindInstances = instances[spec.instanceKind] ?? []
        let count = min(Int.random(in: instanceCount, using: &random), max(kindInstances.count, 1))
        let chosen = Array(kindInstances.shuffled(using: &random).prefix(count))
        spec.tasks = chosen.enumerated().map { index, instance in
            var plan: [TaskStep]
            if forceFailure && index == 0 {
                plan = [
                    .after(.milliseconds(300), .delivering), .after(.milliseconds(400), .running),
                    failureStep(command, after: random.duration(in: .milliseconds(1500)...(.milliseconds(3000)))),
                ]
            } else {
                plan = livePlan(
                    command, failureProbability: failureProbability,
                    timeout: timesOut ? spec.timeout : nil)
            }
            if let cancelAt { plan = Self.cancelled(plan, at: cancelAt) }
            return InvocationSpec.Task(instanceId: instance, plan: plan)
        }
        return spec
    }

    /// A finished invocation created at `created` (in the past) whose steps all lie before `now`.
    mutating func retainedSpec(at created: Duration) -> InvocationSpec {
        let command = random.pick(OutputCatalog.commands)
        var spec = baseSpec(command: command, created: created)
        let count = Int.random(in: 1...3, using: &random)
        spec.tasks = (0..<count).map { _ in
            let roll = random.unit()
            let end: TaskStep =
                roll < 0.9
                ? successStep(command, after: .seconds(3))
                : roll < 0.98
                    ? failureStep(command, after: .seconds(3))
                    : .after(.seconds(60), .taskTimeout)
            return InvocationSpec.Task(
                instanceId: instance(kind: spec.instanceKind),
                plan: [.after(.milliseconds(400), .delivering), .after(.milliseconds(600), .running), end])
        }
        return spec
    }

    /// A long-running invocation created at `created`, already RUNNING, ending `endsIn` after `created`.
    mutating func runningSpec(at created: Duration, endsIn: Duration) -> InvocationSpec {
        let command = random.pick(OutputCatalog.commands)
        var spec = baseSpec(command: command, created: created)
        spec.timeout = max(spec.timeout, Int64(endsIn.seconds) + 60)
        spec.tasks = [
            InvocationSpec.Task(
                instanceId: instance(kind: spec.instanceKind),
                plan: [
                    .after(.milliseconds(400), .delivering), .after(.milliseconds(600), .running),
                    random.chance(0.85) ? successStep(command, after: endsIn) : failureStep(command, after: endsIn),
                ])
        ]
        return spec
    }

    private mutating func baseSpec(command: OutputCatalog.Command, created: Duration) -> InvocationSpec {
        let lighthouse = random.chance(0.25)
        let invoker = random.chance(0.2)
        let description =
            invoker ? "\(command.description) (scheduled by ivk-\(random.identifier()))" : command.description
        return InvocationSpec(
            commandName: command.name, description: description,
            instanceKind: lighthouse ? "LIGHTHOUSE" : "CVM",
            username: lighthouse && command.username == "root" ? "lighthouse" : command.username,
            invocationSource: invoker ? "INVOKER" : "USER", commandContent: command.content,
            timeout: command.timeout, workingDirectory: command.workingDirectory,
            parameters: invoker ? "{\"trigger\":\"cron\"}" : "{}", createdAt: created, tasks: [])
    }

    private mutating func livePlan(
        _ command: OutputCatalog.Command, failureProbability: Double, timeout: Int64?
    ) -> [TaskStep] {
        var plan: [TaskStep] = []
        if random.chance(0.06) {
            plan.append(.after(random.duration(in: .milliseconds(200)...(.seconds(1))), .deliverDelayed))
            if random.chance(0.3) {
                plan.append(.after(random.duration(in: .seconds(3)...(.seconds(8))), .deliverFailed))
                return plan
            }
            plan.append(.after(random.duration(in: .seconds(2)...(.seconds(6))), .delivering))
        } else {
            plan.append(.after(random.duration(in: .milliseconds(200)...(.seconds(1))), .delivering))
        }
        if random.chance(0.02) {
            plan.append(.after(random.duration(in: .milliseconds(300)...(.seconds(1))), .startFailed))
            return plan
        }
        plan.append(.after(random.duration(in: .milliseconds(300)...(.seconds(1))), .running))
        let runTime = random.duration(in: command.runTime)
        if let timeout, random.chance(0.7) {
            plan.append(
                .after(.seconds(timeout), .timeout, output: OutputCatalog.log(Array(command.successLog.prefix(1)))))
        } else if random.chance(0.01) {
            plan.append(.after(runTime + .seconds(30), .taskTimeout))
        } else if random.chance(failureProbability) {
            plan.append(failureStep(command, after: runTime))
        } else {
            plan.append(successStep(command, after: runTime))
        }
        return plan
    }

    private mutating func successStep(_ command: OutputCatalog.Command, after: Duration) -> TaskStep {
        let huge = command.name == "collect-diagnostics" && random.chance(0.5)
        return .after(
            after, .success, exitCode: 0,
            output: huge ? OutputCatalog.hugeLog() : OutputCatalog.log(command.successLog))
    }

    private mutating func failureStep(_ command: OutputCatalog.Command, after: Duration) -> TaskStep {
        let code = random.pick(command.failureExitCodes)
        return .after(after, .failed, exitCode: code, output: OutputCatalog.log(command.failureLog))
    }

    /// The plan cut at `cancelAt`: a task not yet running becomes CANCELLED, a running one CANCELLING
    /// then TERMINATED, a finished one keeps its result.
    static func cancelled(_ plan: [TaskStep], at cancelAt: Duration) -> [TaskStep] {
        var kept: [TaskStep] = []
        var elapsed: Duration = .zero
        var current: FleetTaskStatus = .pending
        for step in plan {
            guard elapsed + step.after < cancelAt else { break }
            elapsed += step.after
            kept.append(step)
            current = step.status
            if step.status.isTerminal { return kept }
        }
        let remaining = cancelAt - elapsed
        if current == .running {
            kept.append(.after(remaining, .cancelling))
            kept.append(.after(.seconds(1), .terminated, exitCode: 143, output: "received SIGTERM, shutting down\n"))
        } else {
            kept.append(.after(remaining, .cancelled))
        }
        return kept
    }
}
