import Foundation
import Rules

/// A token bucket: `capacity` tokens, refilled continuously at `capacity / period`. Pure: time is an
/// argument, so tests drive it with fixed dates.
public struct TokenBucket: Sendable, Hashable {
    /// Most tokens held at once (the burst).
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    /// Tokens available at ``updated``.
    public private(set) var tokens: Double
    /// When ``tokens`` was last brought up to date; `nil` before first use (the bucket starts full).
    public private(set) var updated: Date?

    /// A full bucket for `rate`: `count` tokens per `perSeconds`.
    public init(_ rate: RateLimit) {
        capacity = Double(max(1, rate.count))
        refillPerSecond = Double(max(1, rate.count)) / max(0.001, rate.perSeconds)
        tokens = capacity
    }

    /// Brings the bucket up to `now`.
    public mutating func refill(now: Date) {
        if let updated {
            let elapsed = max(0, now.timeIntervalSince(updated))
            tokens = min(capacity, tokens + elapsed * refillPerSecond)
        }
        updated = now
    }

    /// Seconds until a token is available at `now` (0 when one is), without taking it.
    public mutating func wait(now: Date) -> TimeInterval {
        refill(now: now)
        // A hair below 1 counts as 1, and a wait is at least 1 ms: float rounding (and the limited
        // precision of `Date`) must never turn into an endless series of zero-length waits.
        if tokens >= 1 - Self.epsilon { return 0 }
        return max(0.001, (1 - tokens) / refillPerSecond)
    }

    private static let epsilon = 1e-6

    /// Takes a token; call only after ``wait(now:)`` returned 0.
    public mutating func take() { tokens = max(0, tokens - 1) }

    /// How many sends this bucket allows from `now` within `window` seconds (current tokens plus refill).
    public mutating func allowance(now: Date, within window: TimeInterval) -> Int {
        refill(now: now)
        return Int((tokens + window * refillPerSecond + Self.epsilon).rounded(.down))
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
        for index in buckets.indices { longest = max(longest, buckets[index].wait(now: now)) }
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
            smallest = min(smallest, buckets[index].allowance(now: now, within: effective))
        }
        return max(1, smallest == Int.max ? 1 : smallest)
    }
}
