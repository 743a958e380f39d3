import Foundation

/// What a write about claimed rows changes (delivered, retry, postpone, dead, hold): the new state,
/// whether an attempt counts, and the columns it sets. Both stores apply it in their own `UPDATE`
/// (and only to rows no other claimer holds, ending their lease), so an outcome means the same on
/// SQLite and PostgreSQL.
package struct Settlement: Sendable, Equatable {
    package var state: DeliveryState
    package var countsAttempt: Bool
    /// Unix seconds; `nil`: left as stored.
    package var nextAttemptAt: Double?
    package var deliveredAt: Double?
    /// `nil`: left as stored; `.some(nil)`: cleared.
    package var error: String??
    package var excerpt: String??
    /// What the attempt sent (redacted); `nil` keeps the stored one.
    package var sentPayload: String?
    /// The bookkeeping time (`updated_at`), Unix seconds; `nil`: the store's clock.
    package var stamp: Double?

    /// Delivered at `at` (the attempt counts; `at` is also the bookkeeping time).
    package static func delivered(at: Date, sentPayload: String?) -> Settlement {
        Settlement(
            state: .delivered, countsAttempt: true, deliveredAt: at.unixSeconds, sentPayload: sentPayload,
            stamp: at.unixSeconds)
    }

    /// Failed; tried again at `at` (the attempt counts).
    package static func retry(at: Date, error: String, responseExcerpt: String?, sentPayload: String?) -> Settlement {
        Settlement(
            state: .pending, countsAttempt: true, nextAttemptAt: at.unixSeconds, error: .some(error),
            excerpt: .some(responseExcerpt), sentPayload: sentPayload)
    }

    /// Due again at `until` without counting an attempt (waiting out a rate limit).
    package static func postponed(
        until: Date, reason: String, responseExcerpt: String?, sentPayload: String?
    ) -> Settlement {
        Settlement(
            state: .pending, countsAttempt: false, nextAttemptAt: until.unixSeconds, error: .some(reason),
            excerpt: .some(responseExcerpt), sentPayload: sentPayload)
    }

    /// Given up (the attempt counts).
    package static func dead(error: String, responseExcerpt: String?, sentPayload: String?) -> Settlement {
        Settlement(
            state: .dead, countsAttempt: true, error: .some(error), excerpt: .some(responseExcerpt),
            sentPayload: sentPayload)
    }

    /// Held: its receiver is no longer configured (not attempted; the stored excerpt stays).
    package static func held(reason: String) -> Settlement {
        Settlement(state: .held, countsAttempt: false, error: .some(reason))
    }
}
