import Crypto
import Events
import Foundation
import Outbox
import Store

/// Outbox rows sent as one message: a single row, a group (same receiver, rule and non-empty group
/// key, due together), or a digest (a receiver's backlog beyond its rate, folded into one message).
///
/// A batch of several rows gets its membership fixed in the store (``Store/MessageRef``) before its
/// first attempt; from then on it is claimed and resent whole, under the same key.
public struct DeliveryBatch: Sendable, Hashable {
    /// Receiver name.
    public var receiver: String
    /// The rule of the first row (a digest may mix rules; it renders with the first).
    public var rule: String
    /// The group key of the first row; empty for single rows.
    public var groupKey: String
    /// The rows, in claim order.
    public var rows: [OutboxRow]
    /// Whether this batch is a backlog digest rather than a group or single row.
    public var isDigest: Bool
    /// The stored message when the membership is fixed (every row carries the same one).
    public var message: MessageRef?

    /// Makes a batch; `message` defaults to the first row's stored message.
    public init(rows: [OutboxRow], isDigest: Bool = false, message: MessageRef? = nil) {
        precondition(!rows.isEmpty, "a batch has rows")
        self.receiver = rows[0].dispatch.receiver
        self.rule = rows[0].dispatch.rule
        self.groupKey = rows[0].dispatch.groupKey
        self.rows = rows
        self.message = message ?? rows[0].message
        self.isDigest = self.message?.isDigest ?? isDigest
    }

    /// The events to render, in claim order.
    public var events: [Event] { rows.map(\.event) }
    /// Row ids.
    public var ids: [Int64] { rows.map(\.id) }
    /// Whether every row is a recovery notice.
    public var isRecovery: Bool { rows.allSatisfy(\.dispatch.isRecovery) }
    /// Attempts made so far: the most any row has had.
    public var attempts: Int { rows.map(\.attempts).max() ?? 0 }
    /// When the oldest row was queued.
    public var createdAt: Date { rows.map(\.createdAt).min() ?? .distantPast }
    /// When the age clock of the oldest row started (its commit, or its latest replay).
    public var ageFrom: Date { rows.map(\.ageFrom).min() ?? .distantPast }

    /// Stable across retries: the stored message's key once the membership is fixed; before that a
    /// single row's `eventId:receiver`, and for several rows `grp_` + 32 hex digits of SHA-256 over
    /// their sorted keys, then `:receiver` (the key that is stored when the membership is fixed).
    public var idempotencyKey: String {
        if let message { return message.key }
        if rows.count == 1 { return rows[0].dispatch.idempotencyKey }
        var hasher = SHA256()
        for key in rows.map(\.dispatch.idempotencyKey).sorted() {
            hasher.update(data: Array(key.utf8))
            hasher.update(data: [0x0A])
        }
        let hex = hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
        return "grp_\(hex):\(receiver)"
    }

    /// Whether the membership may still change: no stored message and never attempted (a row
    /// attempted on its own keeps its single-row key; a 429 does not count, nothing arrived).
    var isOpen: Bool { message == nil && rows.allSatisfy { $0.attempts == 0 } }

    /// Groups claimed rows: rows of one stored message become that message again; rows with the
    /// same receiver, rule and non-empty group key and no message become one batch; others stay
    /// single. Order follows each batch's first row.
    public static func group(_ rows: [OutboxRow]) -> [DeliveryBatch] {
        var batches: [DeliveryBatch] = []
        var index: [String: Int] = [:]
        for row in rows {
            let dispatch = row.dispatch
            if let message = row.message {
                let key = "m\(message.id)"
                if let at = index[key] {
                    batches[at].rows.append(row)
                } else {
                    index[key] = batches.count
                    batches.append(DeliveryBatch(rows: [row], message: message))
                }
                continue
            }
            guard !dispatch.groupKey.isEmpty, row.attempts == 0 else {
                batches.append(DeliveryBatch(rows: [row]))
                continue
            }
            let key = [dispatch.receiver, dispatch.rule, dispatch.groupKey].joined(separator: "\u{1F}")
            if let at = index[key] {
                batches[at].rows.append(row)
            } else {
                index[key] = batches.count
                batches.append(DeliveryBatch(rows: [row]))
            }
        }
        return batches
    }

    /// Folds a receiver's queue so that at most `allowance` messages remain where it can: the first
    /// `allowance - 1` batches stay, the rest become one digest (nothing is dropped). Batches whose
    /// membership is already fixed (a stored message, or a row already attempted alone) are never
    /// folded; they keep their place.
    public static func fold(_ queue: [DeliveryBatch], allowance: Int) -> [DeliveryBatch] {
        let keep = max(1, allowance)
        guard queue.count > keep else { return queue }
        let head = Array(queue.prefix(keep - 1))
        let tail = queue.dropFirst(keep - 1)
        let fixed = tail.filter { !$0.isOpen }
        let open = tail.filter(\.isOpen)
        guard open.count > 1 else { return queue }
        return head + fixed + [DeliveryBatch(rows: open.flatMap(\.rows), isDigest: true)]
    }
}
