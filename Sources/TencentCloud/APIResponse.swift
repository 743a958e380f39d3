import Foundation

/// A successful API response: the whole body `{"Response":{…,"RequestId":…}}` and its request id.
public struct APIResponse: Sendable, Hashable {
    /// The HTTP body exactly as received.
    public var body: [UInt8]
    /// `Response.RequestId` ("" when the server sent none).
    public var requestId: String
    /// The HTTP status (200).
    public var httpStatus: Int
    /// How many attempts the call took (1 when it was not retried).
    public var attempts: Int

    /// Creates a response.
    public init(body: [UInt8], requestId: String, httpStatus: Int = 200, attempts: Int = 1) {
        self.body = body
        self.requestId = requestId
        self.httpStatus = httpStatus
        self.attempts = attempts
    }

    /// Decodes the object inside `Response` as `R` (``APIClient`` decodes its typed calls in the same
    /// pass as the envelope; this is for a raw response kept for later).
    /// - Throws: `ClientError` `.malformedResponse` naming the failing field path and quoting an excerpt.
    public func decode<R: Decodable>(_ type: R.Type, action: String? = nil) throws(ClientError) -> R {
        switch ResponseParser.payload(type, in: body) {
        case .success(let value): return value
        case .failure(let error): throw ResponseParser.undecodable(R.self, error, response: self, action: action)
        }
    }
}
