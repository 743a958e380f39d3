/// An API error as the TAT API reports it: `{"Response":{"Error":{"Code","Message"},"RequestId"}}`,
/// sent with HTTP 200 like the real service.
struct APIError: Error, Sendable, Hashable {
    /// The error code, e.g. `AuthFailure.SignatureFailure`.
    var code: String
    /// A human message in the style of the real API's English messages.
    var message: String

    /// Creates an error.
    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    static func missingParameter(_ name: String) -> APIError {
        APIError("MissingParameter", "The request is missing a required parameter `\(name)`.")
    }

    static func invalidParameter(_ message: String) -> APIError {
        APIError("InvalidParameter", message)
    }

    static func invalidParameterValue(_ message: String) -> APIError {
        APIError("InvalidParameterValue", message)
    }

    static let invalidAuthorization = APIError(
        "AuthFailure.InvalidAuthorization",
        "The `Authorization` header is missing or not a valid TC3-HMAC-SHA256 header.")
    static let secretIdNotFound = APIError(
        "AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct.")
    static let signatureFailure = APIError(
        "AuthFailure.SignatureFailure",
        "The provided credentials could not be validated. Please check your signature is correct.")
    static let signatureExpire = APIError(
        "AuthFailure.SignatureExpire",
        "Signature expired. Timestamp differs from the server time by more than 5 minutes.")
    static let requestLimitExceeded = requestLimitExceeded(limit: 20)

    /// `RequestLimitExceeded` worded like the real API's message for a limit of `limit` per second.
    static func requestLimitExceeded(limit: Int) -> APIError {
        APIError(
            "RequestLimitExceeded",
            "Your current request times equals to `\(limit + 1)` in a second, which exceeds the frequency limit "
                + "`\(limit)` for a second. Please reduce the frequency of calls.")
    }
    static let internalError = APIError("InternalError", "An internal error has occurred. Retry your request.")
}
