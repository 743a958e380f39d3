import Curl

extension HTTPReceiver {
    /// How the receiver answers one request. Queue them with ``HTTPReceiver/enqueue(_:)``;
    /// requests beyond the queue get the receiver's default behaviour.
    public indirect enum Behavior: Sendable {
        /// Answer with this status, headers and body (`Content-Length` is added).
        case respond(status: Int, headers: [Curl.HTTPHeader], body: [UInt8])
        /// Wait, then behave as the inner behaviour.
        case delay(Duration, then: Behavior)
        /// Close the connection without writing a byte (the client sees the connection drop).
        case closeConnection
        /// Decide from the recorded request, e.g. to check a signature or echo the body.
        case dynamic(@Sendable (RecordedRequest) async -> Behavior)

        /// Answer with a status and UTF-8 text.
        public static func text(_ status: Int, _ text: String, headers: [Curl.HTTPHeader] = []) -> Behavior {
            .respond(status: status, headers: headers, body: Array(text.utf8))
        }

        /// Answer with a status and a JSON text, `Content-Type: application/json`.
        public static func json(_ status: Int, _ json: String, headers: [Curl.HTTPHeader] = []) -> Behavior {
            .respond(
                status: status, headers: [Curl.HTTPHeader("Content-Type", "application/json")] + headers,
                body: Array(json.utf8))
        }

        /// Answer with a status and no body.
        public static func status(_ status: Int, headers: [Curl.HTTPHeader] = []) -> Behavior {
            .respond(status: status, headers: headers, body: [])
        }

        /// Echo the request: status 200, the body as sent, and `X-Echo-Method`, `X-Echo-Target`
        /// plus one `X-Echo-Header-<name>` per request header.
        public static var echo: Behavior {
            .dynamic { request in
                var headers = [
                    Curl.HTTPHeader("X-Echo-Method", request.method),
                    Curl.HTTPHeader("X-Echo-Target", request.target),
                ]
                headers += request.headers.map { Curl.HTTPHeader("X-Echo-Header-\($0.name)", $0.value) }
                return .respond(status: 200, headers: headers, body: request.body)
            }
        }
    }
}
