import Testing

@testable import TencentCloud

/// Backoff as a pure function, and which failures are retried.
@Suite("Retry policy")
struct RetryPolicyTests {
    @Test(
        "ceilings double from 0.5 s and stop at 8 s",
        arguments: [
            (0, Duration.zero), (1, .milliseconds(500)), (2, .seconds(1)), (3, .seconds(2)), (4, .seconds(4)),
            (5, .seconds(8)), (6, .seconds(8)), (40, .seconds(8)), (1000, .seconds(8)),
        ])
    func ceilings(_ retry: Int, _ expected: Duration) {
        #expect(RetryPolicy.default.delayCeiling(beforeRetry: retry) == expected)
    }

    @Test("full jitter scales the ceiling by the unit random, clamped to [0, 1]")
    func jitter() {
        let policy = RetryPolicy.default
        #expect(policy.delay(beforeRetry: 3, unitRandom: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, unitRandom: 0.5) == .seconds(1))
        #expect(policy.delay(beforeRetry: 3, unitRandom: 1) == .seconds(2))
        #expect(policy.delay(beforeRetry: 3, unitRandom: 7) == .seconds(2))
        #expect(policy.delay(beforeRetry: 3, unitRandom: -1) == .zero)
        for _ in 0..<100 {
            let drawn = policy.delay(beforeRetry: 2)
            #expect(drawn >= .zero && drawn <= .seconds(1))
        }
    }

    @Test("defaults are 4 attempts, 0.5 s, 8 s; none is one attempt; attempts are at least 1")
    func defaults() {
        #expect(RetryPolicy.default.maxAttempts == 4)
        #expect(RetryPolicy.default.baseDelay == .milliseconds(500))
        #expect(RetryPolicy.default.maxDelay == .seconds(8))
        #expect(RetryPolicy.none.maxAttempts == 1)
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test(
        "API error codes: only transient families retry",
        arguments: [
            ("RequestLimitExceeded", true), ("RequestLimitExceeded.UinLimitExceeded", true),
            ("RequestLimitExceeded.IPLimitExceeded", true), ("RequestLimitExceeded.GlobalRegionUinLimitExceeded", true),
            ("InternalError", true), ("InternalError.DBError", true), ("ServiceUnavailable", true),
            ("AuthFailure.SignatureFailure", false), ("AuthFailure.SignatureExpire", false),
            ("AuthFailure.SecretIdNotFound", false), ("AuthFailure.InvalidSecretId", false),
            ("AuthFailure.TokenFailure", false), ("InvalidParameter", false),
            ("InvalidParameterValue.LimitExceeded", false),
            ("InvalidFilter", false), ("MissingParameter", false), ("UnknownParameter", false),
            ("ResourceNotFound.InvocationNotFound", false), ("UnauthorizedOperation", false), ("LimitExceeded", false),
            ("InvalidAction", false), ("UnsupportedRegion", false), ("FailedOperation.CVMError", false),
            ("RequestLimitExceededSomething", false), ("InternalErrorX", false), ("ResponseSizeLimitExceeded", false),
        ])
    func apiCodes(_ code: String, _ retryable: Bool) {
        #expect(RetryPolicy.isRetryable(apiCode: code) == retryable)
        #expect(APIError(code: code, message: "m").isRetryable == retryable)
        #expect(RetryPolicy.isRetryable(APIError(code: code, message: "m")) == retryable)
    }

    @Test(
        "HTTP statuses: 5xx and 429 retry, other 4xx and 3xx do not",
        arguments: [
            (500, true), (502, true), (503, true), (504, true), (599, true), (429, true), (400, false),
            (401, false), (403, false), (404, false), (301, false), (600, false),
        ])
    func httpStatuses(_ status: Int, _ retryable: Bool) {
        #expect(RetryPolicy.isRetryable(httpStatus: status) == retryable)
    }

    @Test("other errors: validation and cancellation never retry; client errors say so themselves")
    func otherErrors() {
        #expect(!RetryPolicy.isRetryable(ValidationError(action: "A", problems: ["p"])))
        #expect(!RetryPolicy.isRetryable(CancellationError()))
        #expect(RetryPolicy.isRetryable(ClientError(code: .network, message: "reset", isRetryable: true)))
        #expect(!RetryPolicy.isRetryable(ClientError(code: .malformedResponse, message: "x", isRetryable: false)))
    }
}
