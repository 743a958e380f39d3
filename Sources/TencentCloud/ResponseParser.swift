import Curl
import Foundation

/// Turns an HTTP response into an `APIResponse` and its payload, an `APIError` or a `ClientError`,
/// decoding the body once: the envelope's `Error` and `RequestId` and the payload `R` come out of
/// the same `JSONDecoder` pass.
enum ResponseParser {
    /// A successful response and the result of decoding its payload (kept apart so that a caller
    /// whose bodies hold secrets, STS, can report a bad payload without quoting it).
    struct Parsed<R: Decodable> {
        var response: APIResponse
        var payload: Result<R, any Error>
    }

    /// A payload that reads nothing: for calls that want only the envelope (or the raw body).
    struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    /// `{"Response":{"Error":{…}?,"RequestId":…, …payload}}` in one pass; `Response` may be missing
    /// (its own message) and the payload's failure is kept, not thrown.
    private struct Envelope<R: Decodable>: Decodable {
        struct Detail: Decodable {
            var code: String?
            var message: String?
            enum CodingKeys: String, CodingKey {
                case code = "Code"
                case message = "Message"
            }
        }
        private enum OuterKeys: String, CodingKey { case response = "Response" }
        private enum InnerKeys: String, CodingKey {
            case error = "Error"
            case requestId = "RequestId"
        }

        /// Whether `Response` is an object.
        var hasResponse = false
        var error: Detail?
        var requestId: String?
        /// The payload; read only when `Response` is an object without `Error`.
        var payload: Result<R, any Error> = .failure(
            DecodingError.valueNotFound(R.self, .init(codingPath: [], debugDescription: "no Response object")))

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: OuterKeys.self)
            guard let inner = try? outer.nestedContainer(keyedBy: InnerKeys.self, forKey: .response) else { return }
            hasResponse = true
            // As strict as the envelope always was: a malformed Error or RequestId fails the whole body.
            error = try inner.decodeIfPresent(Detail.self, forKey: .error)
            requestId = try inner.decodeIfPresent(String.self, forKey: .requestId)
            if error == nil { payload = Result { try R(from: outer.superDecoder(forKey: .response)) } }
        }
    }

    /// `Retry-After` as delta-seconds (0…86400); HTTP dates and anything else are ignored.
    static func retryAfter(_ text: String) -> Duration? {
        guard let seconds = Int(text.trimmingCharacters(in: .whitespaces)), (0...86_400).contains(seconds) else {
            return nil
        }
        return .seconds(seconds)
    }

    /// The successful response, with API errors and HTTP failures thrown; the body's payload is not read.
    static func parse(_ response: HTTPResponse, action: String) throws -> APIResponse {
        try parse(response, action: action, as: Ignored.self).response
    }

    /// The successful response and its payload decoded as `R`, in one pass over the body.
    /// - Throws: `ClientError` for an HTTP status other than 200 or a body that is not the envelope;
    ///   `APIError` for `Response.Error`. A payload that does not decode is returned as a failure.
    static func parse<R: Decodable>(_ response: HTTPResponse, action: String, as type: R.Type) throws -> Parsed<R> {
        guard response.status == 200 else {
            let envelope = try? JSONDecoder().decode(Envelope<Ignored>.self, from: Data(response.body))
            throw ClientError(
                code: .httpStatus,
                message: "HTTP \(response.status) for \(action): " + ClientError.excerpt(response.body),
                httpStatus: response.status, requestId: envelope?.requestId,
                isRetryable: RetryPolicy.isRetryable(httpStatus: response.status), action: action,
                retryAfter: response.header("Retry-After").flatMap(retryAfter))
        }
        let envelope = try? JSONDecoder().decode(Envelope<R>.self, from: Data(response.body))
        guard let envelope, envelope.hasResponse else {
            throw ClientError(
                code: .malformedResponse,
                message: "\(action) response is not {\"Response\":{…}} JSON: " + ClientError.excerpt(response.body),
                httpStatus: response.status, isRetryable: false, action: action)
        }
        if let error = envelope.error {
            throw APIError(
                code: error.code ?? "UnknownError", message: error.message ?? "", requestId: envelope.requestId,
                httpStatus: response.status, action: action)
        }
        return Parsed(
            response: APIResponse(body: response.body, requestId: envelope.requestId ?? "", httpStatus: response.status),
            payload: envelope.payload)
    }

    /// Decodes the object inside `Response` of `body`.
    static func payload<R: Decodable>(_ type: R.Type, in body: [UInt8]) -> Result<R, any Error> {
        Result { try JSONDecoder().decode(Envelope<R>.self, from: Data(body)) }.flatMap(\.payload)
    }

    /// The error for a payload that did not decode as `R`: names the failing field path and quotes
    /// an excerpt of the body.
    static func undecodable<R>(
        _ type: R.Type, _ error: any Error, response: APIResponse, action: String?
    ) -> ClientError {
        ClientError(
            code: .malformedResponse,
            message: "\(action ?? "response") did not decode as \(R.self): \(describe(error)); body: "
                + ClientError.excerpt(response.body),
            httpStatus: response.httpStatus, requestId: response.requestId.isEmpty ? nil : response.requestId,
            isRetryable: false, action: action)
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
