/// A failure the simulator can inject in place of (or before) a normal answer.
public enum FaultKind: Sendable, Hashable, CustomStringConvertible {
    /// HTTP 500 with a plain-text body (the SDKs raise a network/server error for any non-200).
    case http500
    /// HTTP 502 with a plain-text body, as from a gateway.
    case http502
    /// HTTP 503 with a plain-text body.
    case http503
    /// HTTP 200 with the API error `InternalError`.
    case internalError
    /// HTTP 200 with the API error `RequestLimitExceeded`.
    case requestLimitExceeded
    /// HTTP 200 with any API error code and message.
    case apiError(code: String, message: String)
    /// HTTP 200 with a body that is not valid JSON.
    case malformedJSON
    /// The normal answer, after a delay of real (not simulated) time.
    case slow(Duration)
    /// The headers announce the full body, then the connection closes halfway through it.
    case truncatedBody

    /// A short name for logs and the call log (`http500`, `slow(3 seconds)`, …).
    public var description: String {
        switch self {
        case .http500: "http500"
        case .http502: "http502"
        case .http503: "http503"
        case .internalError: "internalError"
        case .requestLimitExceeded: "requestLimitExceeded"
        case .apiError(let code, _): "apiError(\(code))"
        case .malformedJSON: "malformedJSON"
        case .slow(let delay): "slow(\(delay))"
        case .truncatedBody: "truncatedBody"
        }
    }

    /// The API error a fault answers with, for the kinds that answer with one.
    var apiError: APIError? {
        switch self {
        case .internalError: .internalError
        case .requestLimitExceeded: .requestLimitExceeded
        case .apiError(let code, let message): APIError(code, message)
        default: nil
        }
    }
}

/// Random fault injection: each request, with `probability`, gets one of `kinds` (uniformly).
public struct FaultInjection: Sendable, Hashable {
    /// The chance, 0…1, that a request gets a fault.
    public var probability: Double
    /// The faults to choose from. Empty means none.
    public var kinds: [FaultKind]
    /// The actions affected. Default nil: every request, including unknown actions.
    public var actions: Set<APIAction>?

    /// Creates an injection plan; `actions` defaults to nil (all requests).
    public init(probability: Double, kinds: [FaultKind], actions: Set<APIAction>? = nil) {
        self.probability = min(max(probability, 0), 1)
        self.kinds = kinds
        self.actions = actions
    }
}

/// The fault state of a simulator: queued one-shot faults first, then seeded random injection; and
/// the standing per-record faults (broken records, refused task ids).
struct FaultPlan: Sendable {
    var injection: FaultInjection?
    var queued: [FaultKind] = []
    var random: SeededRandom
    /// Invocations answered broken (``MalformedRecord``), by id.
    var malformed: [String: MalformedRecord] = [:]
    /// Task ids `DescribeInvocationTasks` refuses when asked for by id.
    var refusedTaskIds: Set<String> = []

    init(seed: UInt64) { self.random = SeededRandom(seed: seed ^ 0xFA17_FA17_FA17_FA17) }

    /// The fault for the next request of `action` (nil for an unknown action name), if any.
    mutating func next(for action: APIAction?) -> FaultKind? {
        if !queued.isEmpty { return queued.removeFirst() }
        guard let injection, !injection.kinds.isEmpty else { return nil }
        if let actions = injection.actions {
            guard let action, actions.contains(action) else { return nil }
        }
        let roll = random.unit()
        let pick = random.pick(injection.kinds)
        return roll < injection.probability ? pick : nil
    }
}
