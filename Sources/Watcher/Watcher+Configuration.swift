import Events
import TencentCloud

extension Watcher {
    /// How the watcher polls. Every property has a default.
    public struct Configuration: Sendable {
        /// Time from the start of one successful cycle to the start of the next (at least 10 ms of
        /// pause). Default 10 s; fractions allowed.
        public var interval: Duration
        /// Regions to watch, one poller each. Default `["ap-guangzhou"]`.
        public var regions: [String]
        /// Which invocations to watch (TAT Filters). Default: all.
        public var filters: Filters
        /// How often to page through every invocation (the only time removals by absence from a
        /// listing are allowed). Default 10 min. The first cycle after start is always a full resync.
        public var fullResyncInterval: Duration
        /// When invocations and tasks count as stuck. Default ``StuckPolicy/init()``.
        public var stuckPolicy: StuckPolicy
        /// On a region's first start, emit events for invocations created this long before; nil
        /// records the baseline silently. Default nil.
        public var backfill: Duration?
        /// Bound on the output tail carried by task events, in bytes. Default 2048.
        public var outputTailLimit: Int
        /// Most discovery pages read per cycle; the rest continues next cycle. Default 20.
        public var maxDiscoveryPages: Int
        /// Most pages a full listing reads (a guard against a runaway TotalCount). Default 10,000.
        public var maxListingPages: Int
        /// Failed cycles back off exponentially up to this multiple of `interval`. Default 5.
        public var maxBackoffMultiplier: Int
        /// How long the last state of an invocation no longer tracked is kept, so that one which
        /// reappears is diffed against it instead of being reported as new. Default 7 days.
        public var tombstoneRetention: Duration

        /// Creates a configuration; every argument defaults as documented on the properties.
        public init(
            interval: Duration = .seconds(10), regions: [String] = ["ap-guangzhou"], filters: Filters = Filters(),
            fullResyncInterval: Duration = .seconds(600), stuckPolicy: StuckPolicy = StuckPolicy(),
            backfill: Duration? = nil, outputTailLimit: Int = OutputTail.defaultLimit, maxDiscoveryPages: Int = 20,
            maxListingPages: Int = 10_000, maxBackoffMultiplier: Int = 5,
            tombstoneRetention: Duration = Configuration.defaultTombstoneRetention
        ) {
            self.tombstoneRetention = tombstoneRetention
            self.interval = interval
            self.regions = regions
            self.filters = filters
            self.fullResyncInterval = fullResyncInterval
            self.stuckPolicy = stuckPolicy
            self.backfill = backfill
            self.outputTailLimit = outputTailLimit
            self.maxDiscoveryPages = maxDiscoveryPages
            self.maxListingPages = maxListingPages
            self.maxBackoffMultiplier = maxBackoffMultiplier
        }

        /// Seven days: the default ``tombstoneRetention``.
        public static let defaultTombstoneRetention = Duration.seconds(7 * 86_400)
    }

    /// Which invocations to watch. Empty lists mean "any"; values within one list are ORed, lists ANDed.
    public struct Filters: Sendable, Hashable {
        /// `command-id` values. Default none.
        public var commandIds: [String]
        /// `command-created-by` values (`TAT` or `USER`). Default none.
        public var createdBy: [String]
        /// `instance-kind` values (`CVM` or `LIGHTHOUSE`). Default none.
        public var instanceKinds: [String]

        /// Creates filters; every list defaults to empty.
        public init(commandIds: [String] = [], createdBy: [String] = [], instanceKinds: [String] = []) {
            self.commandIds = commandIds
            self.createdBy = createdBy
            self.instanceKinds = instanceKinds
        }

        /// The TAT `Filters`, nil when there are none.
        public var tatFilters: [Filter]? {
            var filters: [Filter] = []
            if !commandIds.isEmpty { filters.append(Filter(name: "command-id", values: commandIds)) }
            if !createdBy.isEmpty { filters.append(Filter(name: "command-created-by", values: createdBy)) }
            if !instanceKinds.isEmpty { filters.append(Filter(name: "instance-kind", values: instanceKinds)) }
            return filters.isEmpty ? nil : filters
        }
    }
}
