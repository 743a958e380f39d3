import Foundation
import Store
import Synchronization

/// An ``OutboxStore`` that forwards to a real one but fails state writes after a send
/// (`markDelivered`, `scheduleRetry`, `markDead`) while ``failingWrites`` is above zero, as SQLITE_BUSY
/// or a full disk would.
final class FaultyOutbox: OutboxStore {
    struct WriteFailed: Error, CustomStringConvertible {
        var description: String { "database is locked (SQLITE_BUSY)" }
    }

    let base: any OutboxStore
    /// Writes still to fail; `Int.max` fails until reset.
    let failingWrites = Mutex(0)
    /// Writes that failed so far.
    let failures = Mutex(0)

    init(_ base: any OutboxStore) { self.base = base }

    private func fault() throws {
        let fail = failingWrites.withLock { count in
            guard count > 0 else { return false }
            if count != .max { count -= 1 }
            return true
        }
        if fail {
            failures.withLock { $0 += 1 }
            throw WriteFailed()
        }
    }

    func claimDue(now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?) async throws -> [OutboxRow] {
        try await base.claimDue(now: now, limit: limit, leaseUntil: leaseUntil, receivers: receivers)
    }
    func markDelivered(ids: [Int64], at: Date, sentPayload: String?) async throws {
        try fault()
        try await base.markDelivered(ids: ids, at: at, sentPayload: sentPayload)
    }
    func scheduleRetry(
        ids: [Int64], at: Date, error: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        try fault()
        try await base.scheduleRetry(
            ids: ids, at: at, error: error, responseExcerpt: responseExcerpt, sentPayload: sentPayload)
    }
    func postpone(
        ids: [Int64], until: Date, reason: String, responseExcerpt: String?, sentPayload: String?
    ) async throws {
        try await base.postpone(
            ids: ids, until: until, reason: reason, responseExcerpt: responseExcerpt, sentPayload: sentPayload)
    }
    func markDead(ids: [Int64], error: String, responseExcerpt: String?, sentPayload: String?) async throws {
        try fault()
        try await base.markDead(ids: ids, error: error, responseExcerpt: responseExcerpt, sentPayload: sentPayload)
    }
    func fixMessage(ids: [Int64], receiver: String, key: String, isDigest: Bool, now: Date) async throws -> MessageRef {
        try await base.fixMessage(ids: ids, receiver: receiver, key: key, isDigest: isDigest, now: now)
    }
    func hold(ids: [Int64], reason: String) async throws { try await base.hold(ids: ids, reason: reason) }
    func releaseHeld(receivers: Set<String>, now: Date) async throws -> Int {
        try await base.releaseHeld(receivers: receivers, now: now)
    }
    func heldCounts() async throws -> [String: Int] { try await base.heldCounts() }
    func expireHeld(receiver: String, before cutoff: Date, error: String) async throws -> Int {
        try await base.expireHeld(receiver: receiver, before: cutoff, error: error)
    }
    func recoverInFlight() async throws -> Int { try await base.recoverInFlight() }
    func nextDueTime(receivers: Set<String>?) async throws -> Date? {
        try await base.nextDueTime(receivers: receivers)
    }
    func rows(in states: Set<DeliveryState>, limit: Int) async throws -> [OutboxRow] {
        try await base.rows(in: states, limit: limit)
    }
    func replay(ids: [Int64]?, now: Date) async throws -> Int { try await base.replay(ids: ids, now: now) }
    func stats(now: Date) async throws -> OutboxStats { try await base.stats(now: now) }
}
