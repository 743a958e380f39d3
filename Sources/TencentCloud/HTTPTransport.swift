import Curl

/// Something that performs one HTTP exchange: `CurlClient` in production, a scripted fake in unit tests.
public protocol HTTPTransport: Sendable {
    /// Sends the request and returns the response of any status; throws only when there is none.
    func execute(_ request: HTTPRequest) async throws -> HTTPResponse
}

extension CurlClient: HTTPTransport {}
