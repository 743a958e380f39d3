import Foundation
import Rules
import Timekeeping

extension TokenBucket {
    /// A full bucket for `rate`: `count` tokens per `perSeconds`.
    public init(_ rate: RateLimit) {
        let count = Double(max(1, rate.count))
        self.init(rate: count / max(0.001, rate.perSeconds), capacity: count)
    }
}

/// The rate of one receiver: several buckets that must all have a token (Feishu/Lark: 5/s and
/// 100/min), plus a pause after the receiver itself said "too fast". Pure.
public struct ReceiverRate: Sendable, Hashable {
    /// The buckets, all of which a send takes a token from.
    public private(set) var buckets: [TokenBucket]
    /// No send before this time (set from a rate-limited outcome); `nil` when not paused.
    public private(set) var pausedUntil: Date?

    /// A rate made of `limits`.
    public init(_ limits: [RateLimit]) {
        buckets = limits.map(TokenBucket.init)
    }

    /// The default limits of a platform, from its published quota:
    /// WeCom 20/min, DingTalk 20/min, Feishu/Lark 5/s and 100/min, Slack 1/s, Discord 5 per 2 s,
    /// Teams, generic webhooks and email 10/s.
    public static func defaults(for platform: Platform) -> [RateLimit] {
        switch platform {
        case .wecom, .dingtalk: [RateLimit(count: 20, perSeconds: 60)]
        case .feishu, .lark: [RateLimit(count: 5, perSeconds: 1), RateLimit(count: 100, perSeconds: 60)]
        case .slack: [RateLimit(count: 1, perSeconds: 1)]
        case .discord: [RateLimit(count: 5, perSeconds: 2)]
        default: [RateLimit(count: 10, perSeconds: 1)]
        }
    }

    /// The limits of `receiver`: its `rateLimit` if configured, else its platform's defaults.
    public static func limits(for receiver: Receiver) -> [RateLimit] {
        receiver.rateLimit.map { [$0] } ?? defaults(for: receiver.platform)
    }

    /// Seconds until a send may go at `now`; when 0, the tokens have been taken.
    public mutating func acquire(now: Date) -> TimeInterval {
        if let pausedUntil {
            let pause = pausedUntil.timeIntervalSince(now)
            if pause > 0 { return pause }
            self.pausedUntil = nil
        }
        var longest: TimeInterval = 0
        for index in buckets.indices { longest = max(longest, buckets[index].wait(at: now.timeIntervalSinceReferenceDate)) }
        guard longest == 0 else { return longest }
        for index in buckets.indices { buckets[index].take() }
        return 0
    }

    /// Holds every send until `until` (never shortens an existing pause).
    public mutating func pause(until: Date) {
        pausedUntil = max(pausedUntil ?? until, until)
    }

    /// Sends allowed from `now` within `window` seconds: the smallest allowance of the buckets,
    /// less the time still paused; at least 1.
    public mutating func allowance(now: Date, within window: TimeInterval) -> Int {
        let paused = max(0, pausedUntil?.timeIntervalSince(now) ?? 0)
        guard paused < window else { return 1 }
        let effective = window - paused
        var smallest = Int.max
        for index in buckets.indices {
            smallest = min(smallest, buckets[index].allowance(at: now.timeIntervalSinceReferenceDate, within: effective))
        }
        return max(1, smallest == Int.max ? 1 : smallest)
    }
}
