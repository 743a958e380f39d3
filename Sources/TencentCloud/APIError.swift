/// An error the Tencent Cloud API returned: `{"Response":{"Error":{"Code","Message"},"RequestId"}}`.
///
/// `isRetryable` is decided by `RetryPolicy.isRetryable(apiCode:)`: true only for the transient codes
/// (`RequestLimitExceeded*`, `InternalError*`, `ServiceUnavailable`), never for `AuthFailure.*`,
/// `InvalidParameter*` and the like.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error code, e.g. `AuthFailure.SignatureFailure`. Kept as a string: the set grows.
    public var code: String
    /// The server's message.
    public var message: String
    /// The request id, for support tickets; nil when the response had none.
    public var requestId: String?
    /// The HTTP status of the response that carried the error (normally 200).
    public var httpStatus: Int?
    /// The action that failed, e.g. `DescribeInvocations`. Default nil.
    public var action: String?

    /// Creates an API error.
    public init(code: String, message: String, requestId: String? = nil, httpStatus: Int? = 200, action: String? = nil)
    {
        self.code = code
        self.message = message
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.action = action
    }

    /// Whether retrying the same call may succeed (rate limit, internal error, service unavailable).
    public var isRetryable: Bool { RetryPolicy.isRetryable(apiCode: code) }

    /// Whether the code is in the `AuthFailure` family (bad keys, signature, clock skew, token).
    public var isAuthFailure: Bool { code == "AuthFailure" || code.hasPrefix("AuthFailure.") }

    /// `<Code>: <Message> (RequestId: <id>)`.
    public var description: String {
        "\(code): \(message)" + (requestId.map { " (RequestId: \($0))" } ?? "")
    }
}
