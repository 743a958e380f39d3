import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// A fast local webhook receiver on 127.0.0.1 (an ephemeral port) that answers 204 to every
/// `POST /hook` and records, per invocation id found in an event envelope, when it arrived.
final class WebhookSink: Sendable {
    struct State {
        var count = 0
        var arrivals: [String: ContinuousClock.Instant] = [:]
    }

    final class Box: Sendable {
        let state = Mutex(State())
    }

    let box = Box()
    let recordArrivals: Bool
    private let server: HTTPServer
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(recordArrivals: Bool) throws {
        self.recordArrivals = recordArrivals
        let box = self.box
        self.server = HTTPServer(
            address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled,
            handler: ClosureHTTPHandler { request in
                let body = try await request.bodyData
                let now = ContinuousClock.now
                let ids = recordArrivals ? WebhookSink.invocationIds(in: body) : []
                box.state.withLock { state in
                    state.count += 1
                    for id in ids where state.arrivals[id] == nil { state.arrivals[id] = now }
                }
                return HTTPResponse(statusCode: .noContent)
            })
    }

    /// Starts listening; returns the bound port.
    func start() async throws -> UInt16 {
        let server = self.server
        task.withLock { $0 = Task { try? await server.run() } }
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else { throw BenchError("sink did not bind") }
        return port
    }

    func stop() async {
        await server.stop(timeout: 0)
        task.withLock { $0?.cancel() }
    }

    var count: Int { box.state.withLock { $0.count } }
    var arrivals: [String: ContinuousClock.Instant] { box.state.withLock { $0.arrivals } }

    /// The `invocation.id` of every event in a generic `{"events": [...]}` envelope.
    static func invocationIds(in body: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let events = object["events"] as? [[String: Any]]
        else { return [] }
        return events.compactMap { ($0["invocation"] as? [String: Any])?["id"] as? String }
    }
}
