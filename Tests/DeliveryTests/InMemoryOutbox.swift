import Foundation
import Outbox
import Store

/// An ``OutboxStore`` in memory, with the semantics the protocol documents: enough to test the
/// dispatcher without SQLite.
actor InMemoryOutbox: OutboxStore {
    private(set) var rows: [Int64: OutboxRow] = [:]

    init(_ rows: [OutboxRow] = []) {
        for row in rows { self.rows[row.id] = row }
    }

    func insert(_ row: OutboxRow) { rows[row.id] = row }

    func row(_ id: Int64) -> OutboxRow? { rows[id] }

    func claimDue(now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?) async throws -> [OutboxRow] {
        let due = rows.values
            .filter { receivers?.contains($0.dispatch.receiver) ?? true }
            .filter {
                ($0.state == .pending && $0.nextAttemptAt <= now && $0.dispatch.notBefore <= now)
                    || ($0.state == .inFlight && ($0.claimedUntil ?? .distantFuture) <= now)
            }
            .sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
            .prefix(limit)
        for row in due {
            rows[row.id]?.state = .inFlight
            rows[row.id]?.claimedUntil = leaseUntil
        }
        return due.compactMap { rows[$0.id] }
    }

    func postpone(
        ids: [Int64], until: Date, reason: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        for id in ids {
            if let sentPayload { rows[id]?.sentPayload = sentPayload }
            rows[id]?.state = .pending
            rows[id]?.nextAttemptAt = until
            rows[id]?.lastError = reason
            rows[id]?.claimedUntil = nil
        }
    }

    func fixMessage(ids: [Int64], receiver: String, key: String, isDigest: Bool, now: Date) async throws -> MessageRef {
        let message = MessageRef(id: Int64(abs(key.hashValue % 1_000_000)), key: key, isDigest: isDigest)
        for id in ids { rows[id]?.message = message }
        return message
    }

    func hold(ids: [Int64], reason: String) async throws {
        for id in ids {
            rows[id]?.state = .held
            rows[id]?.lastError = reason
        }
    }

    func releaseHeld(receivers: Set<String>, now: Date) async throws -> Int {
        let ids = rows.values.filter { $0.state == .held && receivers.contains($0.dispatch.receiver) }.map(\.id)
        for id in ids { rows[id]?.state = .pending }
        return ids.count
    }

    func heldCounts() async throws -> [String: Int] {
        rows.values.filter { $0.state == .held }.reduce(into: [:]) { $0[$1.dispatch.receiver, default: 0] += 1 }
    }

    func expireHeld(receiver: String, before cutoff: Date, error: String) async throws -> Int {
        let ids = rows.values.filter { $0.state == .held && $0.dispatch.receiver == receiver && $0.ageFrom < cutoff }
            .map(\.id)
        for id in ids {
            rows[id]?.state = .dead
            rows[id]?.lastError = error
        }
        return ids.count
    }

    func markDelivered(ids: [Int64], at: Date, sentPayload: String?) async throws {
        for id in ids {
            if let sentPayload { rows[id]?.sentPayload = sentPayload }
            rows[id]?.state = .delivered
            rows[id]?.claimedUntil = nil
        }
    }

    func scheduleRetry(
        ids: [Int64], at: Date, error: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        for id in ids {
            if let sentPayload { rows[id]?.sentPayload = sentPayload }
            rows[id]?.state = .pending
            rows[id]?.attempts += 1
            rows[id]?.nextAttemptAt = at
            rows[id]?.lastError = error
            rows[id]?.responseExcerpt = responseExcerpt
        }
    }

    func markDead(ids: [Int64], error: String, responseExcerpt: String?, sentPayload: String?) async throws {
        for id in ids {
            if let sentPayload { rows[id]?.sentPayload = sentPayload }
            rows[id]?.state = .dead
            rows[id]?.attempts += 1
            rows[id]?.lastError = error
            rows[id]?.responseExcerpt = responseExcerpt
        }
    }

    func recoverInFlight() async throws -> Int {
        let ids = rows.values.filter { $0.state == .inFlight }.map(\.id)
        for id in ids { rows[id]?.state = .pending }
        return ids.count
    }

    func nextDueTime(receivers: Set<String>?) async throws -> Date? {
        rows.values.filter { $0.state == .pending && receivers?.contains($0.dispatch.receiver) ?? true }
            .map { max($0.nextAttemptAt, $0.dispatch.notBefore) }.min()
    }

    func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow] {
        Array(rows.values.filter { states.contains($0.state) }.sorted { $0.id > $1.id }.prefix(limit))
    }

    func replay(ids: [Int64]?, now: Date) async throws -> Int {
        let targets = rows.values.filter { $0.state == .dead && (ids?.contains($0.id) ?? true) }.map(\.id)
        for id in targets {
            rows[id]?.state = .pending
            rows[id]?.attempts = 0
            rows[id]?.nextAttemptAt = now
            rows[id]?.ageFrom = now
            rows[id]?.message = nil
        }
        return targets.count
    }

    func stats(now: Date) async throws -> OutboxStats {
        let values = Array(rows.values)
        let open = values.filter { $0.state == .pending || $0.state == .inFlight }
        return OutboxStats(
            pending: values.filter { $0.state == .pending }.count,
            inFlight: values.filter { $0.state == .inFlight }.count,
            dead: values.filter { $0.state == .dead }.count,
            delivered: values.filter { $0.state == .delivered }.count,
            oldestPendingAge: open.map { now.timeIntervalSince($0.createdAt) }.max() ?? 0)
    }

    func states() -> [Int64: DeliveryState] { rows.mapValues(\.state) }
}
