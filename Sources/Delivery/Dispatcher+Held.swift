import Foundation
import Logging
import Store
import Synchronization
import Timekeeping

extension Dispatcher {
    /// What ``reconcileHeld()`` found.
    public struct HeldSummary: Sendable, Hashable {
        /// Rows still held (their receiver is still missing).
        public var held = 0
        /// Rows released because their receiver is configured again.
        public var released = 0
        /// Held rows that reached their age limit and became dead letters.
        public var expired = 0

        public init(held: Int = 0, released: Int = 0, expired: Int = 0) {
            self.held = held
            self.released = released
            self.expired = expired
        }
    }

    /// Releases held rows whose receiver is configured again (call after a reload), and turns held
    /// rows past the age limit into dead letters. Also runs every ``Configuration/heldCheckInterval``.
    @discardableResult
    public func reconcileHeld() async -> HeldSummary {
        state.withLock { $0.heldCheckedAt = now() }
        var summary = HeldSummary()
        do {
            let counts = try await store.heldCounts()
            let back = Set(counts.keys.filter { receiverLookup($0) != nil })
            if !back.isEmpty { summary.released = try await store.releaseHeld(receivers: back, now: now()) }
            let age = configuration.retry.maxAge.seconds
            for name in counts.keys.sorted() where !back.contains(name) {
                let expired = try await store.expireHeld(
                    receiver: name, before: now().addingTimeInterval(-age),
                    error: "gave up after \(RetryPolicy.describe(age)): receiver no longer configured")
                if expired > 0 { metrics.deadLetters(receiver: name, count: expired) }
                summary.expired += expired
            }
            summary.held = max(0, counts.filter { !back.contains($0.key) }.values.reduce(0, +) - summary.expired)
        } catch {
            logger.error("Reconciling held deliveries failed", metadata: ["error": "\(scrub(error))"])
        }
        if summary.released > 0 {
            logger.notice("Receiver configured again; resuming held deliveries", metadata: ["count": "\(summary.released)"])
            wakeSignal.signal()
        }
        if summary.expired > 0 {
            logger.error("Held deliveries reached the age limit", metadata: ["count": "\(summary.expired)"])
        }
        return summary
    }

    func reconcileHeldIfDue() async {
        let last = state.withLock { $0.heldCheckedAt }
        guard now().timeIntervalSince(last) >= configuration.heldCheckInterval.seconds else { return }
        await reconcileHeld()
    }
}
