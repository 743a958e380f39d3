import Curl
import Synchronization

@testable import TencentCloud

/// An `HTTPTransport` that answers from a script and records every request, for tests without sockets.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(status: Int, body: String)
        case respondWithHeaders(status: Int, headers: [HTTPHeader], body: String)
        case fail(CurlError)
        /// Waits until cancelled, then throws like curl does.
        case hang
    }

    private let state: Mutex<(steps: [Step], requests: [HTTPRequest])>
    /// Answered once the script runs out.
    let fallback: Step

    init(_ steps: [Step], fallback: Step = .respond(status: 200, body: #"{"Response":{"RequestId":"req-ok"}}"#)) {
        state = Mutex((steps, []))
        self.fallback = fallback
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var callCount: Int { requests.count }

    func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step = state.withLock { state -> Step in
            state.requests.append(request)
            return state.steps.isEmpty ? fallback : state.steps.removeFirst()
        }
        switch step {
        case .respond(let status, let body):
            return HTTPResponse(
                status: status, headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body.utf8))
        case .respondWithHeaders(let status, let headers, let body):
            return HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
        case .fail(let error):
            throw error
        case .hang:
            while !Task.isCancelled { await Task.yield() }
            throw CurlError(code: .cancelled, message: "cancelled", isRetryable: false)
        }
    }
}

extension HTTPRequest {
    /// The value of the last header named `name`, case-insensitively.
    func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }
}
