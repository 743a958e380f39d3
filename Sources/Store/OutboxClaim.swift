import Foundation
import Outbox

/// One ``OutboxStore/claimDue(now:limit:leaseUntil:receivers:)`` call as both stores run it, and
/// the rows it assembles: each store selects due rows and their companions in its own SQL, and this
/// decides which companions a due row brings, keeps each row once, and marks the result in flight,
/// so the SQLite and PostgreSQL claims cannot drift apart.
package struct OutboxClaim: Sendable {
    /// The claim time, lease end and bookkeeping stamp, as Unix seconds.
    package let now: Double
    package let leaseUntil: Double
    package let stamp: Double
    /// How many due rows to select (companions come on top).
    package let limit: Int
    /// Who claims (the value of `claimed_by`).
    package let claimer: String
    /// The receivers (lanes) to claim, sorted; `nil`: every receiver.
    package let receivers: [String]?

    /// The rows claimed so far, due rows and companions in claim order.
    package private(set) var rows: [StoredOutboxRow] = []
    private var seen = Set<Int64>()

    /// A claim, or `nil` when it can claim nothing (no limit, or no lane).
    package init?(
        now: Date, limit: Int, leaseUntil: Date, receivers: Set<String>?, claimer: String, stamp: Date
    ) {
        guard limit > 0, receivers?.isEmpty != true else { return nil }
        self.now = now.unixSeconds
        self.limit = limit
        self.leaseUntil = leaseUntil.unixSeconds
        self.receivers = receivers.map { $0.sorted() }
        self.claimer = claimer
        self.stamp = stamp.unixSeconds
    }

    /// The rows a due row is claimed with, for the store to select.
    package enum Companions: Sendable, Equatable {
        /// The other members of its stored message (pending, or in flight with a lapsed lease).
        case message(id: Int64)
        /// The other pending, unattempted rows of its group that no message holds yet.
        case group(receiver: String, rule: String, groupKey: String)
    }

    /// What `row` brings along: its stored message's members, its group's (only while the row is
    /// pending and unattempted: a row already attempted on its own stays a message of its own, as
    /// its key is fixed), or nothing.
    package static func companions(of row: StoredOutboxRow) -> Companions? {
        if let message = row.message { return .message(id: message.id) }
        guard !row.dispatch.groupKey.isEmpty, row.state == DeliveryState.pending.rawValue, row.attempts == 0
        else { return nil }
        return .group(receiver: row.dispatch.receiver, rule: row.dispatch.rule, groupKey: row.dispatch.groupKey)
    }

    /// Whether `row` is claimed already (as a due row or a companion).
    package func contains(_ row: StoredOutboxRow) -> Bool { seen.contains(row.id) }

    /// Adds a due row and its companions, each row once.
    package mutating func add(_ row: StoredOutboxRow, companions: [StoredOutboxRow]) {
        for claimed in CollectionOfOne(row) + companions where seen.insert(claimed.id).inserted {
            rows.append(claimed)
        }
    }

    /// The claimed rows as the store marked them: in flight until ``leaseUntil``.
    package var inFlight: [StoredOutboxRow] {
        rows.map { row in
            var row = row
            row.state = DeliveryState.inFlight.rawValue
            row.claimedUntil = leaseUntil
            return row
        }
    }
}
