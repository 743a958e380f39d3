import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// The demo's local webhook receiver: a WeCom-style robot endpoint and a generic JSON endpoint on
/// 127.0.0.1 that print what they receive. The WeCom endpoint answers its first request with
/// HTTP 503 to show a retry.
actor DemoReceiver {
    private var server: HTTPServer?
    private(set) var port: UInt16 = 0
    private let counters = Counters()
    let print: @Sendable (String) -> Void

    init(print: @escaping @Sendable (String) -> Void) { self.print = print }

    /// Shared with the route handlers (which run outside the actor).
    final class Counters: Sendable {
        let received = Mutex(0)
        let rejectedOnce = Mutex(false)
    }

    var count: Int { counters.received.withLock { $0 } }

    func start() async throws {
        let server = HTTPServer(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), logger: .disabled)
        let counters = self.counters
        let print = self.print
        await server.appendRoute("POST /cgi-bin/webhook/send") { request in
            let body = try await request.bodyData
            if !counters.rejectedOnce.withLock({ done in defer { done = true }; return done }) {
                print("  ⇠ [ops-wecom] answered HTTP 503 (a transient failure) — Tattle will retry it")
                return HTTPResponse(statusCode: .serviceUnavailable, body: Data("busy".utf8))
            }
            counters.received.withLock { $0 += 1 }
            print("  ⇠ [ops-wecom] " + DemoReceiver.summary(ofWeCom: body))
            return HTTPResponse(statusCode: .ok, body: Data(#"{"errcode":0,"errmsg":"ok"}"#.utf8))
        }
        await server.appendRoute("POST /audit") { request in
            let body = try await request.bodyData
            counters.received.withLock { $0 += 1 }
            let id = request.headers[HTTPHeader("webhook-id")] ?? "-"
            print("  ⇠ [audit-webhook] " + DemoReceiver.summary(ofEnvelope: body) + " (webhook-id \(id.prefix(20))…)")
            return HTTPResponse(statusCode: .noContent)
        }
        self.server = server
        Task { try? await server.run() }
        try await server.waitUntilListening()
        if case let .ip4(_, port)? = await server.listeningAddress { self.port = port }
    }

    func stop() async { await server?.stop(timeout: 1) }

    /// The first lines of a WeCom markdown or text message.
    static func summary(ofWeCom body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return "(invalid JSON)" }
        let type = object["msgtype"] as? String ?? "?"
        let content = (object[type] as? [String: Any])?["content"] as? String ?? ""
        let lines = content.split(separator: "\n").prefix(4).joined(separator: " ⏎ ")
        return "\(type): \(lines.prefix(160))"
    }

    /// What a generic event envelope carries.
    static func summary(ofEnvelope body: Data) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let events = object["events"] as? [[String: Any]]
        else { return "(not an event envelope)" }
        let described = events.prefix(3).map { event -> String in
            let invocation = event["invocation"] as? [String: Any]
            return "\(invocation?["commandName"] as? String ?? "?") \(event["previousStatus"] as? String ?? "new")→\(event["status"] as? String ?? "?")"
        }
        return "\(events.count) event(s): " + described.joined(separator: ", ")
    }
}
