import Curl
import FlyingFox
import Foundation

extension HTTPReceiver {
    /// FlyingFox handler: records the request, then plays its behaviour.
    struct Handler: HTTPHandler {
        let core: Core

        func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
            let body = try await request.bodyData
            var remotePort: UInt16?
            if case .ip4(_, let port) = request.remoteAddress { remotePort = port }
            let recorded = RecordedRequest(
                method: request.method.rawValue,
                target: request.target.rawValue,
                headers: request.headers.map { Curl.HTTPHeader($0.key.rawValue, $0.value) },
                body: [UInt8](body),
                remotePort: remotePort)
            return try await Self.response(for: core.record(recorded), to: recorded)
        }

        private static func response(
            for behavior: Behavior, to request: RecordedRequest
        ) async throws -> FlyingFox.HTTPResponse {
            switch behavior {
            case .respond(let status, let headers, let body):
                var fields = HTTPHeaders()
                for header in headers { fields.addValue(header.value, for: FlyingFox.HTTPHeader(header.name)) }
                return FlyingFox.HTTPResponse(
                    statusCode: HTTPStatusCode(status, phrase: "Scripted"), headers: fields, body: Data(body))
            case .delay(let duration, let next):
                try await Task.sleep(for: duration)
                return try await response(for: next, to: request)
            case .closeConnection:
                // FlyingFox asks a WebSocket handler for its frames before writing the 101 response;
                // a handler that throws there makes the server close the socket with nothing written.
                return FlyingFox.HTTPResponse(webSocket: ConnectionCloser())
            case .dynamic(let decide):
                return try await response(for: await decide(request), to: request)
            }
        }
    }

    /// A WebSocket handler that refuses, which closes the connection without an answer.
    struct ConnectionCloser: WSHandler {
        struct Closed: Error {}

        func makeFrames(for client: AsyncThrowingStream<WSFrame, any Error>) async throws -> AsyncStream<WSFrame> {
            throw Closed()
        }
    }
}
