/// What `TATSimulator.addInvocation(_:)` creates: an invocation's metadata and one scripted plan per
/// task. Every field has a realistic default, so a test states only what it cares about.
public struct InvocationSpec: Sendable, Hashable {
    /// One instance's task: the instance and its scripted steps.
    public struct Task: Sendable, Hashable {
        /// The instance id (`ins-…` for CVM, `lhins-…` for Lighthouse). Default nil: drawn from the fleet.
        public var instanceId: String?
        /// The steps after creation (the task starts PENDING). Default: `TaskStep.succeeding()`.
        public var plan: [TaskStep]

        /// Creates a task spec.
        public init(instanceId: String? = nil, plan: [TaskStep] = TaskStep.succeeding()) {
            self.instanceId = instanceId
            self.plan = plan
        }
    }

    /// The invocation id. Default nil: a fresh `inv-xxxxxxxx` drawn from the seeded generator.
    public var invocationId: String?
    /// The command id. Default nil: a fresh `cmd-xxxxxxxx`.
    public var commandId: String?
    /// The command name. Default `deploy-web`.
    public var commandName: String
    /// The invocation description. Default empty.
    public var description: String
    /// `CVM` or `LIGHTHOUSE`. Default `CVM`.
    public var instanceKind: String
    /// The user the command runs as. Default `root`.
    public var username: String
    /// `USER` or `INVOKER`. Default `USER`.
    public var invocationSource: String
    /// The command text (sent Base64-encoded). Default a one-line shell script.
    public var commandContent: String
    /// `SHELL`, `POWERSHELL` or `BAT`. Default `SHELL`.
    public var commandType: String
    /// The command timeout in seconds. Default 60.
    public var timeout: Int64
    /// The working directory. Default `/root`.
    public var workingDirectory: String
    /// The JSON-encoded custom parameters. Default `{}`.
    public var parameters: String
    /// When the invocation was created, relative to the fleet clock's origin. Default nil: now.
    public var createdAt: Duration?
    /// The tasks, one per instance. Default: one succeeding task.
    public var tasks: [Task]

    /// Creates a spec; every argument has the default stated on its property.
    public init(
        invocationId: String? = nil, commandId: String? = nil, commandName: String = "deploy-web",
        description: String = "", instanceKind: String = "CVM", username: String = "root",
        invocationSource: String = "USER", commandContent: String = "#!/bin/bash\n/opt/deploy/run.sh\n",
        commandType: String = "SHELL", timeout: Int64 = 60, workingDirectory: String = "/root",
        parameters: String = "{}", createdAt: Duration? = nil, tasks: [Task] = [Task()]
    ) {
        self.invocationId = invocationId
        self.commandId = commandId
        self.commandName = commandName
        self.description = description
        self.instanceKind = instanceKind
        self.username = username
        self.invocationSource = invocationSource
        self.commandContent = commandContent
        self.commandType = commandType
        self.timeout = timeout
        self.workingDirectory = workingDirectory
        self.parameters = parameters
        self.createdAt = createdAt
        self.tasks = tasks
    }
}

/// The ids of an invocation the simulator created.
public struct InvocationHandle: Sendable, Hashable {
    /// `inv-…`
    public var invocationId: String
    /// `cmd-…`
    public var commandId: String
    /// `invt-…`, one per task, in the order of the spec's tasks.
    public var taskIds: [String]
    /// The instance of each task, in the same order.
    public var instanceIds: [String]
}
