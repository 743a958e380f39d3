/// A preset of fleet activity: how many invocations exist at the start, how often new ones arrive, for
/// how long, and how often tasks fail. Times are simulated (see `FleetClock`).
public struct FleetScript: Sendable, Hashable {
    /// The preset's name (`demo`, `busy`, `idle`).
    public var name: String
    /// Invocations created at the moment the script starts. Default 0.
    public var initialInvocations: Int
    /// The gap between two arrivals, drawn uniformly. Default nil: no arrivals after the initial ones.
    public var arrivalInterval: ClosedRange<Duration>?
    /// How long arrivals continue. Default nil: forever.
    public var arrivalsFor: Duration?
    /// The probability that a task which runs to completion fails. Default 0.2.
    public var failureProbability: Double
    /// The number of instances (tasks) per invocation. Default 1…3.
    public var instancesPerInvocation: ClosedRange<Int>
    /// Whether the first invocation has a task failing within ~4 s, so a demo shows an alert at once.
    /// Default false.
    public var failFirst: Bool

    /// Creates a script; every argument has the default stated on its property.
    public init(
        name: String, initialInvocations: Int = 0, arrivalInterval: ClosedRange<Duration>? = nil,
        arrivalsFor: Duration? = nil, failureProbability: Double = 0.2,
        instancesPerInvocation: ClosedRange<Int> = 1...3, failFirst: Bool = false
    ) {
        self.name = name
        self.initialInvocations = initialInvocations
        self.arrivalInterval = arrivalInterval
        self.arrivalsFor = arrivalsFor
        self.failureProbability = failureProbability
        self.instancesPerInvocation = instancesPerInvocation
        self.failFirst = failFirst
    }

    /// A small fleet for the demo: two invocations at once, the first failing within ~4 s, then a new
    /// one every 2–4 s for 30 s, a third of the tasks failing.
    public static let demo = FleetScript(
        name: "demo", initialInvocations: 2, arrivalInterval: .seconds(2)...(.seconds(4)),
        arrivalsFor: .seconds(30), failureProbability: 0.35, instancesPerInvocation: 1...3, failFirst: true)

    /// Steady heavy traffic: 20 invocations at once, then one every 0.2–1 s forever, on up to 6 instances.
    public static let busy = FleetScript(
        name: "busy", initialInvocations: 20, arrivalInterval: .milliseconds(200)...(.seconds(1)),
        failureProbability: 0.15, instancesPerInvocation: 1...6)

    /// Nothing happens: only what `--retained`/`seedRetained` or the tests create.
    public static let idle = FleetScript(name: "idle")

    /// Every preset, by name.
    public static let presets: [String: FleetScript] = ["demo": .demo, "busy": .busy, "idle": .idle]

    /// The preset called `name`, nil when there is none.
    public static func named(_ name: String) -> FleetScript? { presets[name] }
}

/// Runs a `FleetScript`: knows when the next invocation arrives and draws it.
struct ScriptRunner: Sendable {
    let script: FleetScript
    let start: Duration
    private(set) var nextArrival: Duration?
    private var created = 0

    init(script: FleetScript, start: Duration, random: inout SeededRandom) {
        self.script = script
        self.start = start
        if script.initialInvocations > 0 {
            nextArrival = start
        } else if let interval = script.arrivalInterval {
            nextArrival = start + random.duration(in: interval)
        }
    }

    /// Draws the invocation arriving at `at` and schedules the next arrival.
    mutating func makeSpec(at: Duration, generator: inout FleetGenerator) -> InvocationSpec {
        let spec = generator.liveSpec(
            at: at, failureProbability: script.failureProbability,
            instanceCount: script.instancesPerInvocation, forceFailure: script.failFirst && created == 0)
        created += 1
        if created < script.initialInvocations {
            nextArrival = at
        } else if let interval = script.arrivalInterval {
            let next = at + generator.random.duration(in: interval)
            if let limit = script.arrivalsFor, next > start + limit {
                nextArrival = nil
            } else {
                nextArrival = next
            }
        } else {
            nextArrival = nil
        }
        return spec
    }
}
