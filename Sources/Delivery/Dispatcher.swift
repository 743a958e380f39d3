import Foundation
import Logging
import Rules
import Secrets
import Store
import Synchronization
import Timekeeping

/// The delivery worker: drains the outbox into the transports. A long-running service.
///
/// `run()` recovers rows left in flight by a previous process, then loops: claim due rows under a
/// lease (``Configuration/lease``; rows whose lease lapsed are claimed again), group them (a stored
/// message, or same receiver, rule and non-empty group key → one message), queue them per receiver
/// (rate limit, concurrency, backlog digest), fix a new message's membership (split to fit the
/// receiver's size limit), render, send, classify, and record the outcome in the store (delivered,
/// retry at a time from ``RetryPolicy``, postponed for a rate limit, or dead letter). Rows of a
/// receiver that a reload removed are held (``reconcileHeld()`` releases them when it returns).
/// Between rounds it sleeps until the next row is due or ``wake()`` is called — the daemon calls it
/// right after committing new rows, so a notification leaves within milliseconds of its commit.
///
/// Shutdown: ``shutdown()`` stops claiming and lets sends in flight finish within
/// ``Configuration/shutdownGracePeriod``; cancelling the task running `run()` stops at once. Either
/// way, rows not finished stay in the outbox and are recovered at the next start.
public final class Dispatcher: Sendable {
    /// Builds the message for a batch; a thrown error makes the batch a dead letter.
    public typealias Render = @Sendable (DeliveryBatch, Receiver) throws -> RenderedMessage
    /// The current configuration of a receiver by name; `nil` when a reload removed it.
    public typealias ReceiverLookup = @Sendable (String) -> Receiver?

    let store: any OutboxStore
    let transport: any Transport
    let receiverLookup: ReceiverLookup
    let lanes: @Sendable () -> Set<String>?
    let render: Render
    let redactor: @Sendable () -> SecretSet
    let configuration: Configuration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let logger: Logger
    let metrics: DeliveryMetrics

    struct State {
        var lanes: [String: ReceiverLane] = [:]
        var stopping = false
        var activeWorkers = 0
        /// Rows queued or being sent by this process, with their receivers (a lapsed lease must not
        /// queue them twice; a lane handed to another replica waits until it has none).
        var working: [Int64: String] = [:]
        /// When held rows were last reconciled.
        var heldCheckedAt = Date.distantPast
    }

    let state = Mutex(State())
    let wakeSignal = WakeSignal()
    let idleSignal = WakeSignal()
    /// Per-receiver secret sets for scrubbing what is logged and stored.
    let receiverSecrets = ReceiverSecrets()

    /// Makes a dispatcher.
    /// - Parameters:
    ///   - store: the outbox.
    ///   - transport: sends and classifies (``CurlTransport`` in production).
    ///   - receiverLookup: the current receiver configuration by name (follows reloads).
    ///   - lanes: the receivers whose rows this process may claim, asked before every claim: with
    ///     several replicas, the lanes this one owns. Default nil: every receiver.
    ///   - render: renders a batch for its receiver (the rules engine, with all the batch's events).
    ///   - redactor: secrets to scrub from everything logged or stored, beyond the receiver's own
    ///     (normally ``SecretSet/init(receivers:)`` over every configured receiver). Default none.
    ///   - configuration: tuning; default ``Configuration/init(claimLimit:idlePollInterval:minimumPollInterval:storeErrorBackoff:shutdownGracePeriod:maxRateWait:retry:defaultRateLimitPause:lease:heldCheckInterval:)``.
    ///   - clock: what waits (rate limits, idle sleeps). Default `ContinuousClock()`.
    ///   - now: wall time for the store and retry schedule. Default `Date.init`.
    ///   - random: uniform values in `[0, 1)` for retry jitter. Default the system generator.
    ///   - logger: default label `tattle.delivery`.
    ///   - metrics: default the bootstrapped metrics system.
    public init(
        store: any OutboxStore, transport: any Transport, receiverLookup: @escaping ReceiverLookup,
        lanes: @escaping @Sendable () -> Set<String>? = { nil }, render: @escaping Render, redactor: @escaping @Sendable () -> SecretSet = { SecretSet() },
        configuration: Configuration = .init(), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "tattle.delivery"), metrics: DeliveryMetrics = .init()
    ) {
        self.store = store
        self.transport = transport
        self.receiverLookup = receiverLookup
        self.lanes = lanes
        self.render = render
        self.redactor = redactor
        self.configuration = configuration
        self.clock = clock
        self.now = now
        self.random = random
        self.logger = logger
        self.metrics = metrics
    }

    /// Tells the loop that rows may be due now (call right after committing outbox rows).
    /// Cheap, non-blocking, safe from any thread.
    public func wake() { wakeSignal.signal() }

    /// Starts a graceful shutdown: no more claims; sends in flight get the grace period.
    public func shutdown() {
        state.withLock { $0.stopping = true }
        wakeSignal.signal()
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Whether this process has no row of `receiver` queued or being sent (a lane can then be
    /// handed to another replica without two of them sending for it at once). Cheap, non-blocking.
    public func isIdle(lane receiver: String) -> Bool {
        state.withLock { !$0.working.values.contains(receiver) }
    }

    /// Runs until ``shutdown()`` (then drains within the grace period) or cancellation.
    /// - Throws: only if recovering in-flight rows at start fails; later store errors are logged and retried.
    public func run() async throws {
        if configuration.recoversInFlightAtStart {
            let recovered = try await store.recoverInFlight()
            if recovered > 0 { logger.notice("Recovered in-flight deliveries", metadata: ["count": "\(recovered)"]) }
        }
        do {
            try await withThrowingDiscardingTaskGroup { group in
                while !isStopping && !Task.isCancelled {
                    let claimed: Int
                    await reconcileHeldIfDue()
                    do {
                        let rows = try await claim()
                        claimed = rows.count
                        for (lane, count) in await enqueue(rows) {
                            for _ in 0..<count { group.addTask { await self.work(lane) } }
                        }
                    } catch {
                        logger.error("Outbox claim failed", metadata: ["error": "\(scrub(error))"])
                        await wakeSignal.wait(timeout: configuration.storeErrorBackoff, clock: clock)
                        continue
                    }
                    if claimed >= configuration.claimLimit { continue }
                    await waitForWork()
                }
                guard !Task.isCancelled else { return }
                group.addTask { try await self.drain() }
            }
        } catch is GracePeriodExpired {
            logger.warning("Shutdown grace period expired; unfinished deliveries stay in the outbox")
        }
    }

    /// One pass without the loop: claims everything due now, delivers it (waiting for rate limits on
    /// the injected clock) and returns when done. For tests and one-shot tools; returns rows claimed.
    @discardableResult
    public func deliverDue() async throws -> Int {
        var total = 0
        try await withThrowingDiscardingTaskGroup { group in
            while true {
                let rows = try await claim()
                total += rows.count
                for (lane, count) in await enqueue(rows) {
                    for _ in 0..<count { group.addTask { await self.work(lane) } }
                }
                if rows.count < configuration.claimLimit { break }
            }
        }
        return total
    }

    /// Claims due rows under a lease of ``Configuration/lease``.
    func claim() async throws -> [OutboxRow] {
        let now = now()
        return try await store.claimDue(
            now: now, limit: configuration.claimLimit, leaseUntil: now.addingTimeInterval(configuration.lease.seconds),
            receivers: lanes())
    }

    private func waitForWork() async {
        var timeout = configuration.idlePollInterval
        do {
            if let next = try await store.nextDueTime(receivers: lanes()) {
                let seconds = next.timeIntervalSince(now())
                timeout = seconds <= 0 ? configuration.minimumPollInterval : min(timeout, .seconds(seconds))
            }
        } catch {
            logger.error("Outbox next-due query failed", metadata: ["error": "\(scrub(error))"])
            timeout = configuration.storeErrorBackoff
        }
        await wakeSignal.wait(timeout: timeout, clock: clock)
    }

    /// Waits for the workers to finish, at most the grace period; then throws to cancel them.
    private func drain() async throws {
        let deadline = now().addingTimeInterval(configuration.shutdownGracePeriod.seconds)
        while state.withLock({ $0.activeWorkers }) > 0 {
            let remaining = deadline.timeIntervalSince(now())
            guard remaining > 0 else { throw GracePeriodExpired() }
            await idleSignal.wait(timeout: .seconds(remaining), clock: clock)
        }
    }

    func scrub(_ error: any Error) -> String { redactor().scrub(String(describing: error)) }
}

/// Thrown inside ``Dispatcher/run()`` to cancel sends that outlive the grace period.
struct GracePeriodExpired: Error {}
