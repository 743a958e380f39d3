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

    /// Decodes the object inside `Response` as `R`.
    /// - Throws: `ClientError` `.malformedResponse` naming the failing field path and quoting an excerpt.
    public func decode<R: Decodable>(_ type: R.Type, action: String? = nil) throws(ClientError) -> R {
        do {
            return try JSONDecoder().decode(Envelope<R>.self, from: Data(body)).response
        } catch {
            throw ClientError(
                code: .malformedResponse,
                message: "\(action ?? "response") did not decode as \(R.self): \(Self.describe(error)); body: "
                    + ClientError.excerpt(body),
                httpStatus: httpStatus, requestId: requestId.isEmpty ? nil : requestId, isRetryable: false,
                action: action)
        }
    }

    private struct Envelope<R: Decodable>: Decodable {
        var response: R
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)).\(key.stringValue) is missing"
        @unknown default:
            return "\(error)"
        }
    }
}
