import Foundation
import Logging
import Rules
import Store

extension Dispatcher {
    /// Groups claimed rows, dead-letters rows of receivers no longer configured, queues the rest on
    /// their receivers' lanes; returns the lanes that need new workers and how many.
    func enqueue(_ rows: [OutboxRow]) async -> [(ReceiverLane, Int)] {
        guard !rows.isEmpty else { return [] }
        var byReceiver: [String: [DeliveryBatch]] = [:]
        var order: [String] = []
        for batch in DeliveryBatch.group(rows) {
            if byReceiver[batch.receiver] == nil { order.append(batch.receiver) }
            byReceiver[batch.receiver, default: []].append(batch)
        }
        var starts: [(ReceiverLane, Int)] = []
        for name in order {
            let batches = byReceiver[name] ?? []
            guard let receiver = receiverLookup(name) else {
                for batch in batches {
                    await kill(batch, receiver: name, reason: "receiver no longer configured", excerpt: nil)
                }
                continue
            }
            let lane = state.withLock { state in
                if let lane = state.lanes[name] { return lane }
                let lane = ReceiverLane(receiver: receiver)
                state.lanes[name] = lane
                return lane
            }
            let count = await lane.enqueue(batches, receiver: receiver, now: now())
            if count > 0 {
                state.withLock { $0.activeWorkers += count }
                starts.append((lane, count))
            }
        }
        return starts
    }

    /// A worker: sends the lane's batches one after another until the lane is empty.
    func work(_ lane: ReceiverLane) async {
        while let batch = await lane.next(stopping: isStopping || Task.isCancelled) {
            await deliver(batch, lane: lane)
        }
        let remaining = state.withLock { state in
            state.activeWorkers -= 1
            return state.activeWorkers
        }
        if remaining == 0 { idleSignal.signal() }
    }

    /// Rate limit, render, send, classify, record.
    func deliver(_ batch: DeliveryBatch, lane: ReceiverLane) async {
        guard let receiver = receiverLookup(batch.receiver) else {
            await kill(batch, receiver: batch.receiver, reason: "receiver no longer configured", excerpt: nil)
            return
        }
        while true {
            let wait = await lane.acquire(now: now())
            if wait <= 0 { break }
            if wait > configuration.maxRateWait.seconds {
                let at = now().addingTimeInterval(wait)
                await record(batch, receiver: receiver) {
                    try await self.store.scheduleRetry(
                        ids: batch.ids, at: at, error: "waiting for the receiver's rate-limit window",
                        responseExcerpt: nil)
                }
                wakeSignal.signal()
                return
            }
            do { try await clock.sleep(for: .seconds(wait), tolerance: nil) } catch { return }
        }
        let message: RenderedMessage
        do {
            message = try render(batch, receiver)
        } catch {
            let reason = "render failed: " + scrub(error, receiver: receiver)
            await kill(batch, receiver: receiver.name, reason: reason, excerpt: nil)
            return
        }
        let started = ContinuousClock.now
        let result = await transport.send(message, to: receiver, idempotencyKey: batch.idempotencyKey)
        let elapsed = ContinuousClock.now - started
        if Task.isCancelled && result.outcome != .delivered { return }  // hard stop: rows stay in flight
        metrics.attempt(receiver: receiver.name, outcome: result.outcome, duration: elapsed)
        await settle(batch, receiver: receiver, result: result, lane: lane)
    }

    private func settle(_ batch: DeliveryBatch, receiver: Receiver, result: Classification, lane: ReceiverLane) async {
        let secrets = redactor().merging(Redactor(receivers: [receiver]))
        let reason = secrets.scrub(result.outcome.reason)
        let excerpt = result.responseExcerpt.map(secrets.scrub)
        let attempt = batch.attempts + 1
        var metadata = logMetadata(batch, attempt: attempt)
        metadata["outcome"] = "\(result.outcome.label)"
        switch result.outcome {
        case .delivered:
            logger.info("Delivered", metadata: metadata)
            await record(batch, receiver: receiver) { try await self.store.markDelivered(ids: batch.ids, at: self.now()) }
        case .permanent:
            metadata["reason"] = "\(reason)"
            logger.error("Delivery failed permanently (configuration problem?)", metadata: metadata)
            await kill(batch, receiver: receiver.name, reason: reason, excerpt: excerpt, log: false)
        case .transient, .rateLimited:
            if case .rateLimited(let after) = result.outcome {
                await lane.pause(until: now().addingTimeInterval((after ?? configuration.defaultRateLimitPause).seconds))
            }
            let policy = configuration.retry.applying(receiver.retry)
            let random = random()
            guard
                let next = policy.nextAttempt(
                    attempts: attempt, firstCreated: batch.createdAt, now: now(), outcome: result.outcome,
                    random: random)
            else {
                metadata["reason"] = "\(reason)"
                logger.error("Delivery retries exhausted", metadata: metadata)
                await kill(batch, receiver: receiver.name, reason: "gave up after \(attempt) attempts: \(reason)",
                    excerpt: excerpt, log: false)
                return
            }
            metadata["reason"] = "\(reason)"
            metadata["retry_at"] = "\(next)"
            logger.warning("Delivery failed; will retry", metadata: metadata)
            await record(batch, receiver: receiver) {
                try await self.store.scheduleRetry(ids: batch.ids, at: next, error: reason, responseExcerpt: excerpt)
            }
            wakeSignal.signal()
        }
    }

    /// Makes the batch a dead letter.
    func kill(_ batch: DeliveryBatch, receiver: String, reason: String, excerpt: String?, log: Bool = true) async {
        let safeReason = redactor().scrub(reason)
        if log {
            var metadata = logMetadata(batch, attempt: batch.attempts + 1)
            metadata["reason"] = "\(safeReason)"
            logger.error("Delivery is a dead letter", metadata: metadata)
        }
        metrics.deadLetters(receiver: receiver, count: batch.rows.count)
        do {
            try await store.markDead(ids: batch.ids, error: safeReason, responseExcerpt: excerpt)
        } catch {
            logger.error("Outbox update failed", metadata: ["receiver": "\(receiver)", "error": "\(scrub(error))"])
        }
    }

    private func record(_ batch: DeliveryBatch, receiver: Receiver, _ update: () async throws -> Void) async {
        do {
            try await update()
        } catch {
            logger.error(
                "Outbox update failed; the rows will be retried after a restart",
                metadata: ["receiver": "\(receiver.name)", "error": "\(scrub(error, receiver: receiver))"])
        }
    }

    private func logMetadata(_ batch: DeliveryBatch, attempt: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "receiver": "\(batch.receiver)", "event": "\(batch.rows[0].dispatch.eventId)", "attempt": "\(attempt)",
        ]
        if batch.rows.count > 1 { metadata["events"] = "\(batch.rows.count)" }
        if batch.isDigest { metadata["digest"] = "true" }
        return metadata
    }

    func scrub(_ error: any Error, receiver: Receiver) -> String {
        redactor().merging(Redactor(receivers: [receiver])).scrub(String(describing: error))
    }
}
