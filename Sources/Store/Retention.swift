import Timekeeping

/// How long each kind of history is kept before a prune deletes it (``StateDatabase/prune(_:now:)``).
public struct Retention: Sendable, Hashable {
    /// Delivered rows (and then their events). Default 7 days.
    public var delivered: Duration
    /// Dead letters nobody replayed. Default 30 days.
    public var dead: Duration
    /// Noise memory: throttle windows last used and failing keys (recovery notices) set before
    /// this. Default 30 days.
    public var noise: Duration

    /// Makes a retention; every argument defaults to the value documented on its property.
    public init(
        delivered: Duration = .seconds(7 * 86_400), dead: Duration = .seconds(30 * 86_400),
        noise: Duration = .seconds(30 * 86_400)
    ) {
        self.delivered = delivered
        self.dead = dead
        self.noise = noise
    }
}

/// What a prune deleted.
public struct PruneResult: Sendable, Hashable {
    /// Delivered outbox rows removed.
    public var deliveredRows: Int
    /// Events removed (no outbox row referenced them any more).
    public var events: Int
    /// Dead letters removed.
    public var deadRows: Int
    /// Throttle rows and failing keys removed.
    public var noiseRows: Int
    /// Silenced outbox rows removed (committed before the delivered-rows cutoff).
    public var silencedRows: Int
    /// Silences removed (ended before the delivered-rows cutoff).
    public var silences: Int

    public init(
        deliveredRows: Int, events: Int, deadRows: Int = 0, noiseRows: Int = 0, silencedRows: Int = 0,
        silences: Int = 0
    ) {
        self.deliveredRows = deliveredRows
        self.events = events
        self.deadRows = deadRows
        self.noiseRows = noiseRows
        self.silencedRows = silencedRows
        self.silences = silences
    }
}
