import FlyingFox
import FlyingSocks
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// The status HTTP endpoint: `/healthz` (process alive), `/readyz` (see ``Readiness``),
/// `/metrics` (Prometheus text format) and, given ``StatusSources``, the status page (`/`, see
/// ``StatusPage``; `/deliveries/{id}`, `/events/{id}`) and the admin API (`/api/v1/`, see
/// ``AdminAPI``). Default address `127.0.0.1:9464`.
public struct StatusServer: Service {
    /// Where to listen.
    public let host: String
    public let port: UInt16
    let readiness: Readiness
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    /// What the status page and admin API show and change; nil serves only health and metrics.
    let sources: StatusSources?

    public init(
        host: String, port: UInt16, readiness: Readiness, registry: PrometheusCollectorRegistry, logger: Logger,
        sources: StatusSources? = nil
    ) {
        self.host = host
        self.port = port
        self.readiness = readiness
        self.registry = registry
        self.logger = logger
        self.sources = sources
    }

    /// Parses `HOST:PORT` (IPv4 or `[IPv6]`); the default port is 9464.
    public static func parseAddress(_ text: String) throws -> (host: String, port: UInt16) {
        var host = text
        var port: UInt16 = 9464
        if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]") {
            host = String(text[..<colon])
            guard let parsed = UInt16(text[text.index(after: colon)...]) else {
                throw ConfigurationError("invalid listen address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:9464")
            }
            port = parsed
        }
        host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ConfigurationError("invalid listen address '\(text)': missing host") }
        return (host, port)
    }

    public func run() async throws {
        let address: any SocketAddress =
            host.contains(":") ? try sockaddr_in6.inet6(ip6: host, port: port) : try sockaddr_in.inet(ip4: host, port: port)
        let server = HTTPServer(address: address, logger: .disabled)
        if let sources { await Self.addPages(to: server, sources: sources, logger: logger) }
        let readiness = self.readiness
        let registry = self.registry
        await server.appendRoute("GET /healthz") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain"], body: Data("ok\n".utf8))
        }
        await server.appendRoute("GET /readyz") { _ in
            let checks = await readiness.check()
            let ok = checks.allSatisfy(\.ok)
            let text = checks.map { "\($0.ok ? "ok" : "FAIL") \($0.name): \($0.detail)" }.joined(separator: "\n")
            return HTTPResponse(
                statusCode: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: Data((text + "\n").utf8))
        }
        await server.appendRoute("GET /metrics") { _ in
            HTTPResponse(
                statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: Data(registry.emitToBuffer()))
        }
        let (host, logger) = (self.host, self.logger)
        // Logged once bound, with the port actually bound (`--listen 127.0.0.1:0` picks one).
        let announce = Task {
            try await server.waitUntilListening()
            let bound: UInt16? =
                switch await server.listeningAddress {
                case .ip4(_, let port)?, .ip6(_, let port)?: port
                default: nil
                }
            let shown = host.contains(":") ? "[\(host)]" : host
            logger.info("status endpoint listening", metadata: ["address": "\(shown):\(bound ?? port)"])
        }
        defer { announce.cancel() }
        try await withGracefulShutdownHandler {
            do {
                try await server.run()
            } catch where Task.isShuttingDownGracefully || Task.isCancelled {
                // Stopped on purpose: closing the listening socket ends `run` with an error.
            }
        } onGracefulShutdown: {
            Task { await server.stop(timeout: 1) }
        }
    }
}
