import Foundation
import GRDB
import Timekeeping

extension SQLiteStore {
    /// How long each kind of history is kept before ``prune(_:now:)`` deletes it.
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

    /// The default retention of delivered rows and their events: 7 days.
    public static let defaultRetention: Duration = .seconds(7 * 24 * 3600)

    /// Deletes delivered rows delivered before `cutoff`, silenced rows committed before it and
    /// silences that ended before it, then events created before `cutoff` that no outbox row
    /// references. Pending, in-flight, held and dead rows, and their events, are kept.
    ///
    /// Freed pages are reused by later inserts; the file does not shrink (run `VACUUM` offline to
    /// shrink it, see `docs/state.md`).
    @discardableResult
    public func prune(before cutoff: Date) async throws -> PruneResult {
        try await prune(deliveredBefore: cutoff, deadBefore: nil, noiseBefore: nil)
    }

    /// Prunes delivered rows older than `retention` (default ``defaultRetention``) at `now`.
    @discardableResult
    public func prune(retention: Duration = defaultRetention, now: Date) async throws -> PruneResult {
        try await prune(before: now.addingTimeInterval(-retention.seconds))
    }

    /// Prunes everything older than its ``Retention`` at `now`: delivered rows, dead letters (by
    /// their last update), noise memory, and the events and stored messages nothing references.
    @discardableResult
    public func prune(_ retention: Retention, now: Date) async throws -> PruneResult {
        try await prune(
            deliveredBefore: now.addingTimeInterval(-retention.delivered.seconds),
            deadBefore: now.addingTimeInterval(-retention.dead.seconds),
            noiseBefore: now.addingTimeInterval(-retention.noise.seconds))
    }

    private func prune(deliveredBefore: Date, deadBefore: Date?, noiseBefore: Date?) async throws -> PruneResult {
        let delivered = deliveredBefore.unixSeconds
        let dead = deadBefore?.unixSeconds
        let noise = noiseBefore?.unixSeconds
        return try await write { db in
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?", arguments: [delivered])
            var result = PruneResult(deliveredRows: db.changesCount, events: 0)
            try db.execute(
                sql: "DELETE FROM outbox WHERE state = 'silenced' AND created_at < ?", arguments: [delivered])
            result.silencedRows = db.changesCount
            try db.execute(sql: "DELETE FROM silence WHERE ends_at < ?", arguments: [delivered])
            result.silences = db.changesCount
            if let dead {
                try db.execute(sql: "DELETE FROM outbox WHERE state = 'dead' AND updated_at < ?", arguments: [dead])
                result.deadRows = db.changesCount
            }
            if let noise {
                try db.execute(sql: "DELETE FROM throttle WHERE last_at < ?", arguments: [noise])
                result.noiseRows = db.changesCount
                try db.execute(sql: "DELETE FROM failing WHERE since < ?", arguments: [noise])
                result.noiseRows += db.changesCount
            }
            try db.execute(
                sql: """
                    DELETE FROM event WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.event_id = event.id)
                    """,
                arguments: [delivered])
            result.events = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM message WHERE created_at < ?
                        AND NOT EXISTS (SELECT 1 FROM outbox WHERE outbox.message_id = message.id)
                    """,
                arguments: [delivered])
            return result
        }
    }
}
