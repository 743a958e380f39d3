extension Dispatcher {
    /// Tuning of the delivery worker. Every field has a default suited to the daemon.
    public struct Configuration: Sendable {
        /// Rows claimed per store round trip. Default 100.
        public var claimLimit: Int
        /// Longest sleep when nothing is due; the loop also wakes on ``Dispatcher/wake()`` and when a
        /// retry is scheduled. Default 30 s.
        public var idlePollInterval: Duration
        /// Sleep when the store reports a due row that it did not hand out. Default 200 ms.
        public var minimumPollInterval: Duration
        /// Pause after a store error before trying again. Default 1 s.
        public var storeErrorBackoff: Duration
        /// How long in-flight sends may run after ``Dispatcher/shutdown()`` before they are cancelled
        /// (their rows then stay in flight and are recovered at the next start). Default 10 s.
        public var shutdownGracePeriod: Duration
        /// Longest in-memory wait for a rate-limit token; a longer one (a receiver paused for its
        /// throttle window) puts the batch back in the outbox, due when the window ends. Default 60 s.
        public var maxRateWait: Duration
        /// Retry schedule before per-receiver overrides. Default ``RetryPolicy/init(base:factor:cap:minimumDelay:maxAttempts:maxAge:)``'s defaults.
        public var retry: RetryPolicy
        /// Pause applied to a receiver that answered "too fast" without saying for how long. Default 5 s.
        public var defaultRateLimitPause: Duration
        /// How long a claim holds its rows: a row still in flight after this (a stuck send, a state
        /// write that failed) is claimed again. Covers queueing behind the rate limit, the send and
        /// the retried state write. Default 5 min.
        public var lease: Duration
        /// How often held rows are checked for a returning receiver or the age limit (a reload also
        /// triggers it). Default 60 s.
        public var heldCheckInterval: Duration
        /// Whether ``Dispatcher/run()`` first returns every in-flight row to pending (they belonged to
        /// the previous process on this state directory). Default true; false with several replicas
        /// on one database, where in-flight rows may be another replica's and come back through
        /// their lease instead.
        public var recoversInFlightAtStart = true

        /// Makes a configuration; every argument defaults to the value documented on its property.
        public init(
            claimLimit: Int = 100, idlePollInterval: Duration = .seconds(30),
            minimumPollInterval: Duration = .milliseconds(200), storeErrorBackoff: Duration = .seconds(1),
            shutdownGracePeriod: Duration = .seconds(10), maxRateWait: Duration = .seconds(60),
            retry: RetryPolicy = .init(), defaultRateLimitPause: Duration = .seconds(5),
            lease: Duration = .seconds(300), heldCheckInterval: Duration = .seconds(60)
        ) {
            self.lease = lease
            self.heldCheckInterval = heldCheckInterval
            self.claimLimit = claimLimit
            self.idlePollInterval = idlePollInterval
            self.minimumPollInterval = minimumPollInterval
            self.storeErrorBackoff = storeErrorBackoff
            self.shutdownGracePeriod = shutdownGracePeriod
            self.maxRateWait = maxRateWait
            self.retry = retry
            self.defaultRateLimitPause = defaultRateLimitPause
        }
    }
}
