extension Coordinator {
    /// Lease timing. Every field has a default.
    public struct Configuration: Sendable {
        /// How often the replica heartbeats and renews its leases (and rebalances). Default 5 s.
        public var renewInterval: Duration
        /// How long a heartbeat or lease lasts unless renewed: a killed replica's work moves after at
        /// most this long. Default 15 s (three renewals: two may fail before anything moves).
        public var ttl: Duration
        /// How long a replica waits after taking over a unit that someone held before it, before its
        /// first poll: the previous owner's last cycle is then at least this far in the past, so no
        /// unit is polled by two replicas within one interval. Default 5 s.
        public var handoverPause: Duration

        /// Makes a configuration; every argument defaults to the value documented on its property.
        public init(renewInterval: Duration = .seconds(5), ttl: Duration = .seconds(15), handoverPause: Duration = .seconds(5)) {
            self.renewInterval = renewInterval
            self.ttl = ttl
            self.handoverPause = handoverPause
        }

        /// The timing for a poll interval: renew every interval but at least every 5 s (and at most
        /// ten times a second), a TTL of three renewals, a hand-over pause of one poll interval.
        /// The default 10 s poll interval gives renewals every 5 s and a 15 s TTL, River's figures.
        public init(pollInterval: Duration) {
            let renew = min(max(pollInterval, .milliseconds(100)), .seconds(5))
            self.init(renewInterval: renew, ttl: renew * 3, handoverPause: pollInterval)
        }
    }
}
