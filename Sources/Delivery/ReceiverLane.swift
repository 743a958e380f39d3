import Foundation
import Rules

/// One receiver's queue of batches waiting to be sent, with its rate and concurrency limit.
///
/// Chat platforms get one delivery in flight at a time, so messages appear in arrival order;
/// generic webhooks and email get `Receiver.maxConcurrency`, default 8. A backlog beyond what the
/// rate allows within ``ReceiverLane/digestWindow`` is folded into one digest message.
actor ReceiverLane {
    /// How far ahead the backlog may reach before it is folded: 60 s.
    static let digestWindow: TimeInterval = 60

    /// The receiver's name.
    let name: String
    /// The receiver's configuration as of the latest enqueue (a reload may change it).
    private(set) var receiver: Receiver
    private var rate: ReceiverRate
    private var limits: [RateLimit]
    private var queue: [DeliveryBatch] = []
    private var active = 0

    init(receiver: Receiver) {
        self.name = receiver.name
        self.receiver = receiver
        self.limits = ReceiverRate.limits(for: receiver)
        self.rate = ReceiverRate(limits)
    }

    /// In-flight limit: `receiver.maxConcurrency`, else 1 for chat platforms and 8 for generic
    /// webhooks and email.
    static func maxConcurrency(_ receiver: Receiver) -> Int {
        if let configured = receiver.maxConcurrency { return max(1, configured) }
        switch receiver.platform {
        case .webhook, .email: return 8
        case .wecom, .dingtalk, .feishu, .lark, .slack, .teams, .discord: return 1
        default: return 8
        }
    }

    /// Appends `batches`, folds the backlog if needed, and returns how many new workers to start.
    func enqueue(_ batches: [DeliveryBatch], receiver: Receiver, now: Date) -> Int {
        if receiver != self.receiver {
            self.receiver = receiver
            let newLimits = ReceiverRate.limits(for: receiver)
            if newLimits != limits {
                limits = newLimits
                rate = ReceiverRate(newLimits)
            }
        }
        queue.append(contentsOf: batches)
        let allowance = rate.allowance(now: now, within: Self.digestWindow)
        queue = DeliveryBatch.fold(queue, allowance: allowance)
        let start = max(0, min(Self.maxConcurrency(receiver) - active, queue.count))
        active += start
        return start
    }

    /// The next batch for a worker, or `nil` (the worker then ends) when the queue is empty or
    /// `stopping` is set.
    func next(stopping: Bool) -> DeliveryBatch? {
        guard !stopping, !queue.isEmpty else {
            active -= 1
            return nil
        }
        return queue.removeFirst()
    }

    /// Seconds to wait before a send may go at `now`; 0 means go (the tokens are taken).
    func acquire(now: Date) -> TimeInterval { rate.acquire(now: now) }

    /// Holds sends until `until` after the receiver said "too fast".
    func pause(until: Date) { rate.pause(until: until) }

    /// Batches waiting (not in flight).
    var backlog: Int { queue.count }
}
