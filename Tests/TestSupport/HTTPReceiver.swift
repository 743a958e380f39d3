import Curl
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// A scriptable HTTP server on `127.0.0.1` (IPv4, ephemeral port) that records every request.
///
/// Each request takes the next queued ``Behavior`` (``enqueue(_:)``), or the default one when the
/// queue is empty: respond, respond after a delay, close the connection without answering, or
/// decide from the request. Fakes for WeCom, DingTalk, Slack and friends build on it:
///
/// ```swift
/// let receiver = try await HTTPReceiver(default: .json(200, #"{"errcode":0}"#)).start()
/// receiver.enqueue(.status(503), .delay(.seconds(5), then: .status(200)), .closeConnection)
/// ... post to receiver.url + "/hook" ...
/// let requests = try await receiver.waitForRequests(count: 3)
/// await receiver.stop()
/// ```
///
/// Note: when libcurl reuses a kept-alive connection and the server closes it without a byte of
/// answer (``Behavior/closeConnection``), libcurl retries the request once on a new connection, as
/// browsers do; that retry takes the next behaviour.
public final class HTTPReceiver: Sendable {
    private let core: Core
    private let server = Mutex<(server: HTTPServer, task: Task<Void, Never>)?>(nil)

    /// Makes a stopped receiver whose unscripted requests get `behavior`. Default: 200 "ok".
    public init(default behavior: Behavior = .text(200, "ok")) {
        core = Core(defaultBehavior: behavior)
    }

    deinit {
        server.withLock { $0?.task.cancel() }
    }

    /// Starts listening on 127.0.0.1 with a port the system picks; returns `self` for chaining.
    @discardableResult
    public func start() async throws -> Self {
        let httpServer = HTTPServer(
            address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 600, logger: .disabled,
            handler: Handler(core: core))
        let task = Task<Void, Never> { _ = try? await httpServer.run() }
        server.withLock { $0 = (httpServer, task) }
        try await httpServer.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port) = await httpServer.listeningAddress else {
            throw TestSupportError("HTTPReceiver: no IPv4 listening address")
        }
        core.state.withLock { $0.port = port }
        return self
    }

    /// Stops the server and closes its connections.
    public func stop() async {
        guard
            let running = server.withLock({ state in
                defer { state = nil }
                return state
            })
        else { return }
        await running.server.stop(timeout: 0)
        running.task.cancel()
    }

    /// The bound port (0 before ``start()``).
    public var port: UInt16 { core.state.withLock { $0.port } ?? 0 }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] { core.state.withLock { $0.requests } }

    /// Queues behaviours for the next requests, in order.
    public func enqueue(_ behaviors: Behavior...) {
        core.state.withLock { $0.queue += behaviors }
    }

    /// Replaces the behaviour for requests beyond the queue.
    public func setDefault(_ behavior: Behavior) {
        core.state.withLock { $0.defaultBehavior = behavior }
    }

    /// Waits until at least `count` requests arrived and returns all of them.
    /// - Throws: ``TestSupportError`` after `timeout` (default 10 s) with how many arrived.
    @discardableResult
    public func waitForRequests(count: Int, timeout: Duration = .seconds(10)) async throws -> [RecordedRequest] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let seen = requests
            if seen.count >= count { return seen }
            if ContinuousClock.now >= deadline {
                throw TestSupportError("HTTPReceiver: \(seen.count) of \(count) requests arrived within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension HTTPReceiver {
    /// The state the request handler shares with the receiver.
    final class Core: Sendable {
        struct State {
            var requests: [RecordedRequest] = []
            var queue: [Behavior] = []
            var defaultBehavior: Behavior
            var port: UInt16?
        }

        let state: Mutex<State>

        init(defaultBehavior: Behavior) {
            state = Mutex(State(defaultBehavior: defaultBehavior))
        }

        /// Records `request` and returns the behaviour that answers it.
        func record(_ request: RecordedRequest) -> Behavior {
            state.withLock { state in
                state.requests.append(request)
                return state.queue.isEmpty ? state.defaultBehavior : state.queue.removeFirst()
            }
        }
    }
}
