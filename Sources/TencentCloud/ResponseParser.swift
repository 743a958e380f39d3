import Curl
import Foundation

/// Turns an HTTP response into an `APIResponse`, an `APIError` or a `ClientError`.
enum ResponseParser {
    private struct ErrorEnvelope: Decodable {
        struct Inner: Decodable {
            struct Detail: Decodable {
                var code: String?
                var message: String?
                enum CodingKeys: String, CodingKey {
                    case code = "Code"
                    case message = "Message"
                }
            }
            var error: Detail?
            var requestId: String?
            enum CodingKeys: String, CodingKey {
                case error = "Error"
                case requestId = "RequestId"
            }
        }
        var response: Inner?
        enum CodingKeys: String, CodingKey { case response = "Response" }
    }

    /// `Retry-After` as delta-seconds (0…86400); HTTP dates and anything else are ignored.
    static func retryAfter(_ text: String) -> Duration? {
        guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), (0...86_400).contains(seconds) else {
            return nil
        }
        return .seconds(seconds)
    }

    static func parse(_ response: HTTPResponse, action: String) throws -> APIResponse {
        let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(response.body))
        guard response.status == 200 else {
            throw ClientError(
                code: .httpStatus,
                message: "HTTP \(response.status) for \(action): " + ClientError.excerpt(response.body),
                httpStatus: response.status, requestId: envelope?.response?.requestId,
                isRetryable: RetryPolicy.isRetryable(httpStatus: response.status), action: action,
                retryAfter: response.header("Retry-After").flatMap(retryAfter))
        }
        guard let inner = envelope?.response else {
            throw ClientError(
                code: .malformedResponse,
                message: "\(action) response is not {\"Response\":{…}} JSON: " + ClientError.excerpt(response.body),
                httpStatus: response.status, isRetryable: false, action: action)
        }
        if let error = inner.error {
            throw APIError(
                code: error.code ?? "UnknownError", message: error.message ?? "", requestId: inner.requestId,
                httpStatus: response.status, action: action)
        }
        return APIResponse(body: response.body, requestId: inner.requestId ?? "", httpStatus: response.status)
    }
}
