import Timekeeping

/// When and how long to wait before calling again.
///
/// Exponential backoff with full jitter: before retry `n` (1-based) the wait is uniform in
/// `[0, min(maxDelay, baseDelay · 2^(n-1))]`. Defaults: 4 attempts in all, base 0.5 s, cap 8 s, so the
/// ceilings are 0.5 s, 1 s, 2 s. Only transient failures are retried (see `isRetryable(apiCode:)`).
/// A `Retry-After` on a 429/5xx answer raises the wait to that value, never above `maxDelay`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, including the first; 1 disables retries. Default 4.
    public var maxAttempts: Int
    /// The ceiling of the first retry's wait. Default 0.5 s.
    public var baseDelay: Duration
    /// The largest ceiling. Default 8 s.
    public var maxDelay: Duration

    /// Creates a policy (defaults: 4 attempts, base 0.5 s, cap 8 s).
    public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// 4 attempts, base 0.5 s, cap 8 s.
    public static let `default` = RetryPolicy()
    /// One attempt: never retry.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The largest wait before retry number `retry` (1 for the first retry): `min(maxDelay, base·2^(retry-1))`.
    public func delayCeiling(beforeRetry retry: Int) -> Duration {
        Backoff.ceiling(step: retry, base: baseDelay, cap: maxDelay)
    }

    /// The jittered wait before retry `retry`: `ceiling · unitRandom`, with `unitRandom` in [0, 1] clamped.
    public func delay(beforeRetry retry: Int, unitRandom: Double) -> Duration {
        Backoff.jittered(delayCeiling(beforeRetry: retry), unitRandom: unitRandom)
    }

    /// The jittered wait before retry `retry`, drawn from the system random generator.
    public func delay(beforeRetry retry: Int) -> Duration {
        delay(beforeRetry: retry, unitRandom: Double.random(in: 0...1))
    }

    /// Whether an API error code is transient: `RequestLimitExceeded*`, `InternalError*`,
    /// `ServiceUnavailable*`. Everything else (AuthFailure.*, InvalidParameter*, ResourceNotFound*, …) is not.
    public static func isRetryable(apiCode code: String) -> Bool {
        ["RequestLimitExceeded", "InternalError", "ServiceUnavailable"].contains { family in
            code == family || code.hasPrefix(family + ".")
        }
    }

    /// Whether an HTTP status other than 200 is worth retrying: 5xx and 429.
    public static func isRetryable(httpStatus status: Int) -> Bool {
        (500...599).contains(status) || status == 429
    }

    /// Whether any error from a call is worth retrying: `APIError` and `ClientError` say so themselves;
    /// validation errors, cancellation and anything unknown are not.
    public static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let error as APIError: error.isRetryable
        case let error as ClientError: error.isRetryable
        default: false
        }
    }
}
