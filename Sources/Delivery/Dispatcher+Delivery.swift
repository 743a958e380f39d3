import Foundation
import Logging
import Outbox
import Rules
import Secrets
import Store
import Synchronization
import Timekeeping

extension Dispatcher {
    /// Groups claimed rows, holds rows of receivers no longer configured, queues the rest on their
    /// receivers' lanes; returns the lanes that need new workers and how many. Rows this process is
    /// still working on (re-claimed because their lease lapsed) are not queued twice.
    func enqueue(_ rows: [OutboxRow]) async -> [(ReceiverLane, Int)] {
        let rows = state.withLock { state in
            let fresh = rows.filter { state.working[$0.id] == nil }
            for row in fresh { state.working[row.id] = row.dispatch.receiver }
            return fresh
        }
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
                    await hold(batch)
                    finished(batch)
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
            finished(batch)
        }
        let remaining = state.withLock { state in
            state.activeWorkers -= 1
            return state.activeWorkers
        }
        if remaining == 0 { idleSignal.signal() }
    }

    /// The batch is no longer worked on here: if its rows are still in flight (a state write could
    /// not be recorded) their lease brings them back.
    func finished(_ batch: DeliveryBatch) {
        state.withLock { state in
            for id in batch.ids { state.working[id] = nil }
        }
    }

    /// Rate limit, fix the membership (splitting what does not fit), send, classify, record.
    func deliver(_ batch: DeliveryBatch, lane: ReceiverLane) async {
        guard let receiver = receiverLookup(batch.receiver) else { return await hold(batch) }
        guard case .go = await takeToken(batch, lane: lane, receiver: receiver) else { return }
        var work: [(DeliveryBatch, RenderedMessage)]
        do {
            work = try await pieces(of: batch, receiver: receiver)
        } catch let error as RenderFailure {
            return await kill(batch, receiver: receiver.name, reason: error.reason, excerpt: nil)
        } catch {
            logger.error(
                "Outbox update failed; the rows return when their lease lapses",
                metadata: ["receiver": "\(receiver.name)", "error": "\(scrub(error, receiver: receiver))"])
            return
        }
        var first = true
        while !work.isEmpty {
            let (piece, message) = work.removeFirst()
            if !first {
                switch await takeToken(piece, lane: lane, receiver: receiver) {
                case .go: break
                case .cancelled: return
                case .postponed(let until):
                    // The remaining pieces wait for the same window (no attempt counted).
                    let rest = work.flatMap(\.0.ids)
                    await record(batch, receiver: receiver) {
                        try await self.store.postpone(
                            ids: rest, until: until, reason: "waiting for the receiver's rate-limit window",
                            responseExcerpt: nil)
                    }
                    return
                }
            }
            first = false
            let started = ContinuousClock.now
            let result = await transport.send(message, to: receiver, idempotencyKey: piece.idempotencyKey)
            let elapsed = ContinuousClock.now - started
            if Task.isCancelled && result.outcome != .delivered { return }  // hard stop: rows stay in flight
            metrics.attempt(receiver: receiver.name, outcome: result.outcome, duration: elapsed)
            if result.isTooLarge && piece.rows.count > 1 {
                logger.warning(
                    "Message too large for the receiver; splitting it",
                    metadata: logMetadata(piece, attempt: piece.attempts + 1))
                do {
                    work.insert(contentsOf: try await fixed(piece.halves, receiver: receiver), at: 0)
                } catch let error as RenderFailure {
                    await kill(piece, receiver: receiver.name, reason: error.reason, excerpt: nil)
                } catch {
                    logger.error(
                        "Outbox update failed; the rows return when their lease lapses",
                        metadata: ["receiver": "\(receiver.name)", "error": "\(scrub(error, receiver: receiver))"])
                    return
                }
                continue
            }
            await settle(piece, receiver: receiver, result: result, lane: lane, sent: Self.sentText(message))
        }
    }

    /// Waits for the receiver's rate limit; a wait longer than ``Configuration/maxRateWait`` puts the
    /// batch back in the outbox, due when the window ends, without counting an attempt.
    private func takeToken(_ batch: DeliveryBatch, lane: ReceiverLane, receiver: Receiver) async -> TokenWait {
        while true {
            let wait = await lane.acquire(now: now())
            if wait <= 0 { return .go }
            if wait > configuration.maxRateWait.seconds {
                let at = now().addingTimeInterval(wait)
                await record(batch, receiver: receiver) {
                    try await self.store.postpone(
                        ids: batch.ids, until: at, reason: "waiting for the receiver's rate-limit window",
                        responseExcerpt: nil)
                }
                wakeSignal.signal()
                return .postponed(until: at)
            }
            do { try await clock.sleep(for: .seconds(wait), tolerance: nil) } catch { return .cancelled }
        }
    }

    /// What goes out for `batch`: itself when its membership is fixed or it has one row; otherwise
    /// it is split to fit the receiver's limit and each piece's membership is stored first.
    private func pieces(of batch: DeliveryBatch, receiver: Receiver) async throws -> [(DeliveryBatch, RenderedMessage)] {
        if batch.message != nil || batch.rows.count == 1 {
            return [(batch, try renderChecked(batch, receiver))]
        }
        return try await fixed([batch], receiver: receiver)
    }

    /// Splits each batch to fit and stores the membership of every multi-row piece.
    private func fixed(_ batches: [DeliveryBatch], receiver: Receiver) async throws -> [(DeliveryBatch, RenderedMessage)] {
        let limit = MessageLimit.of(receiver)
        var result: [(DeliveryBatch, RenderedMessage)] = []
        for batch in batches {
            let pieces = try batch.split(render: { try renderChecked($0, receiver) }) { piece, message in
                limit.fits(message, receiver: receiver, key: piece.idempotencyKey, at: now())
            }
            if pieces.count > 1 {
                var metadata = logMetadata(batch, attempt: batch.attempts + 1)
                metadata["messages"] = "\(pieces.count)"
                logger.info("Digest split to fit the receiver's size limit", metadata: metadata)
            }
            for (piece, message) in pieces {
                guard piece.rows.count > 1 else {
                    result.append((piece, message))
                    continue
                }
                var stored = piece
                stored.message = try await store.fixMessage(
                    ids: piece.ids, receiver: receiver.name, key: piece.idempotencyKey, isDigest: piece.isDigest,
                    now: now())
                result.append((stored, message))
            }
        }
        return result
    }

    private func renderChecked(_ batch: DeliveryBatch, _ receiver: Receiver) throws(RenderFailure) -> RenderedMessage {
        do { return try render(batch, receiver) } catch {
            throw RenderFailure(reason: "render failed: " + scrub(error, receiver: receiver))
        }
    }

    /// What a message puts on the wire, as text for the status pages: a webhook's body (before
    /// send-time signing fields), or a mail's subject and text.
    static func sentText(_ message: RenderedMessage) -> String {
        switch message {
        case .webhook(let webhook): String(decoding: webhook.body, as: UTF8.self)
        case .email(let mail): "Subject: \(mail.subject)\n\n\(mail.text)"
        }
    }

    private func settle(
        _ batch: DeliveryBatch, receiver: Receiver, result: Classification, lane: ReceiverLane, sent: String
    ) async {
        let secrets = receiverSecrets.secrets(base: redactor(), receiver: receiver)
        let sent = secrets.scrub(sent)
        let reason = secrets.scrub(result.outcome.reason)
        let excerpt = result.responseExcerpt.map(secrets.scrub)
        var metadata = logMetadata(batch, attempt: batch.attempts + 1)
        metadata["outcome"] = "\(result.outcome.label)"
        switch result.outcome {
        case .delivered:
            logger.info("Delivered", metadata: metadata)
            await record(batch, receiver: receiver) {
                try await self.store.markDelivered(ids: batch.ids, at: self.now(), sentPayload: sent)
            }
        case .permanent:
            metadata["reason"] = "\(reason)"
            logger.error("Delivery failed permanently (configuration problem?)", metadata: metadata)
            await kill(batch, receiver: receiver.name, reason: reason, excerpt: excerpt, log: false, sent: sent)
        case .transient, .rateLimited:
            var counted = batch.attempts + 1
            if case .rateLimited(let after) = result.outcome {
                counted = batch.attempts
                await lane.pause(until: now().addingTimeInterval((after ?? configuration.defaultRateLimitPause).seconds))
            }
            let policy = configuration.retry.applying(receiver.retry)
            let decision = policy.decide(
                attempts: counted, ageFrom: batch.ageFrom, now: now(), outcome: result.outcome, random: random(),
                rateLimitWait: configuration.defaultRateLimitPause, retryAfter: result.retryAfter)
            metadata["reason"] = "\(reason)"
            switch decision {
            case .giveUp(let why):
                logger.error("Delivery retries exhausted", metadata: metadata)
                await kill(
                    batch, receiver: receiver.name, reason: "\(why): \(reason)", excerpt: excerpt, log: false, sent: sent)
            case .retry(let next, let countsAttempt):
                metadata["retry_at"] = "\(next)"
                if countsAttempt {
                    logger.warning("Delivery failed; will retry", metadata: metadata)
                    await record(batch, receiver: receiver) {
                        try await self.store.scheduleRetry(
                            ids: batch.ids, at: next, error: reason, responseExcerpt: excerpt, sentPayload: sent)
                    }
                } else {
                    logger.notice("Receiver is rate limiting; waiting without spending an attempt", metadata: metadata)
                    await record(batch, receiver: receiver) {
                        try await self.store.postpone(
                            ids: batch.ids, until: next, reason: reason, responseExcerpt: excerpt, sentPayload: sent)
                    }
                }
                wakeSignal.signal()
            }
        }
    }

    /// Makes the batch a dead letter.
    /// `sent` is what the last attempt sent (already redacted), if one was made.
    func kill(
        _ batch: DeliveryBatch, receiver: String, reason: String, excerpt: String?, log: Bool = true,
        sent: String? = nil
    ) async {
        let safeReason = redactor().scrub(reason)
        if log {
            var metadata = logMetadata(batch, attempt: batch.attempts + 1)
            metadata["reason"] = "\(safeReason)"
            logger.error("Delivery is a dead letter", metadata: metadata)
        }
        metrics.deadLetters(receiver: receiver, count: batch.rows.count)
        await record(batch, receiver: nil) {
            try await self.store.markDead(
                ids: batch.ids, error: safeReason, responseExcerpt: excerpt, sentPayload: sent)
        }
    }

    /// Holds a batch whose receiver is no longer in the rules file.
    func hold(_ batch: DeliveryBatch) async {
        let age = RetryPolicy.describe(configuration.retry.maxAge.seconds)
        logger.warning(
            "Receiver no longer configured; holding its deliveries until it returns",
            metadata: ["receiver": "\(batch.receiver)", "events": "\(batch.rows.count)"])
        await record(batch, receiver: nil) {
            try await self.store.hold(
                ids: batch.ids,
                reason: "receiver \(batch.receiver) is not in the rules file: held until it returns (dead after \(age))")
        }
    }

    /// Runs a state write after a send. A failure (the database busy or full) is retried with
    /// backoff on the injected clock while the rows' lease lasts; if it still fails, the rows stay
    /// in flight and are claimed again when the lease lapses — never forgotten.
    @discardableResult
    func record(_ batch: DeliveryBatch, receiver: Receiver?, _ update: () async throws -> Void) async -> Bool {
        let leaseEnd = batch.rows.compactMap(\.claimedUntil).min() ?? now().addingTimeInterval(configuration.lease.seconds)
        var delay = configuration.storeErrorBackoff
        var failures = 0
        while true {
            do {
                try await update()
                return true
            } catch {
                failures += 1
                let text = receiver.map { scrub(error, receiver: $0) } ?? scrub(error)
                let metadata: Logger.Metadata = [
                    "receiver": "\(batch.receiver)", "error": "\(text)", "failures": "\(failures)",
                ]
                guard now().addingTimeInterval(delay.seconds) < leaseEnd, !Task.isCancelled else {
                    logger.error("Outbox update failed; the rows return when their lease lapses", metadata: metadata)
                    return false
                }
                logger.warning("Outbox update failed; retrying", metadata: metadata)
                do { try await clock.sleep(for: delay, tolerance: nil) } catch { return false }
                delay = min(delay * 2, .seconds(30))
            }
        }
    }

    func logMetadata(_ batch: DeliveryBatch, attempt: Int) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "receiver": "\(batch.receiver)", "event": "\(batch.rows[0].dispatch.eventId)", "attempt": "\(attempt)",
        ]
        if batch.rows.count > 1 { metadata["events"] = "\(batch.rows.count)" }
        if batch.isDigest { metadata["digest"] = "true" }
        return metadata
    }

    func scrub(_ error: any Error, receiver: Receiver) -> String {
        receiverSecrets.secrets(base: redactor(), receiver: receiver).scrub(String(describing: error))
    }
}

/// What waiting for a rate-limit token came to.
enum TokenWait {
    /// Send now.
    case go
    /// Put back in the outbox until then.
    case postponed(until: Date)
    /// The worker was cancelled.
    case cancelled
}

/// A batch that cannot be rendered: it becomes a dead letter with `reason`.
struct RenderFailure: Error {
    var reason: String
}
