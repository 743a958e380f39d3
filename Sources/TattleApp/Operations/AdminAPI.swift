import FlyingFox
import Foundation
import Logging
import Store

/// The admin API under `/api/v1/` (documented in `docs/api.yaml`, which a test checks against
/// ``routes``). Reads answer the same JSON as the CLI's `--json`; every state-changing endpoint
/// needs `Authorization: Bearer <TATTLE_ADMIN_TOKEN>`: 403 (with how to enable it) when no token is
/// configured, 401 when the header is missing or wrong. The token is never logged.
enum AdminAPI {
    /// One endpoint: its method, its path in OpenAPI form (`{id}` for a parameter), and whether it
    /// changes state (and so needs the token).
    struct Route: Sendable, Hashable {
        /// `GET`, `POST` or `DELETE`.
        var method: String
        /// E.g. `/api/v1/deliveries/{id}/replay`.
        var path: String
        /// Whether the endpoint needs the admin token.
        var changesState: Bool
        /// The path in FlyingFox's form (`:id`).
        var pattern: String {
            path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
                segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
            }.joined(separator: "/")
        }
    }

    typealias Handler = @Sendable (HTTPRequest, StatusSources) async throws -> HTTPResponse

    /// Every endpoint with its handler.
    static let endpoints: [(Route, Handler)] =
        [
            (Route(method: "GET", path: "/api/v1/deliveries", changesState: false), listDeliveries),
            (Route(method: "GET", path: "/api/v1/events", changesState: false), listEvents),
            (Route(method: "POST", path: "/api/v1/deliveries/{id}/replay", changesState: true), replay),
            (Route(method: "POST", path: "/api/v1/reload", changesState: true), reload),
        ] + silenceEndpoints

    /// The endpoints the implementation serves (what `docs/api.yaml` must document).
    static var routes: [Route] { endpoints.map(\.0) }

    /// Largest request body accepted: 64 KiB.
    static let maxBodyBytes = 64 * 1024

    /// Adds every endpoint to `server`. Every state-changing request is logged (an audit trail:
    /// method, path, outcome, peer address; never the token).
    static func register(on server: HTTPServer, sources: StatusSources, logger: Logger) async {
        for (route, handler) in endpoints {
            await server.appendRoute(HTTPRoute("\(route.method) \(route.pattern)")) { request in
                guard route.changesState else { return await serve(request, handler, sources) }
                let response = await authorizeAndServe(request, handler, sources)
                let peer: String =
                    switch request.remoteAddress {
                    case .ip4(let ip, _)?, .ip6(let ip, _)?: ip
                    case .unix(let path)?: path
                    case nil: "unknown"
                    }
                let code = response.statusCode.code
                logger.log(
                    level: code < 400 ? .notice : .warning,
                    "admin API: \(request.method.rawValue) \(request.path) → \(code)",
                    metadata: ["peer": "\(peer)"])
                return response
            }
        }
    }

    /// The token check, then the handler.
    static func authorizeAndServe(_ request: HTTPRequest, _ handler: Handler, _ sources: StatusSources) async
        -> HTTPResponse
    {
        switch sources.token.verdict(authorization: request.headers[.authorization]) {
        case .disabled: return error(.forbidden, AdminToken.howToEnable)
        case .rejected:
            var response = error(.unauthorized, "missing or wrong 'Authorization: Bearer <token>'")
            response.headers[HTTPHeader("WWW-Authenticate")] = "Bearer realm=\"tattle\""
            return response
        case .accepted: break
        }
        return await serve(request, handler, sources)
    }

    /// Runs the handler: a refusal becomes its status and message, anything else a 500.
    static func serve(_ request: HTTPRequest, _ handler: Handler, _ sources: StatusSources) async -> HTTPResponse {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            return error(.payloadTooLarge, "the request body is limited to \(maxBodyBytes) bytes")
        }
        do {
            return try await handler(request, sources)
        } catch let failure as APIFailure {
            return error(failure.status, failure.message)
        } catch {
            return Self.error(.internalServerError, "\(error)")
        }
    }

    // MARK: - Handlers

    /// `GET /api/v1/deliveries?state=&limit=`: `tattle deliveries --json`.
    static func listDeliveries(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        let filterText = request.query["state"] ?? "all"
        guard let filter = DeliveriesCommands.Filter(rawValue: filterText) else {
            throw APIFailure(
                .badRequest,
                "state must be one of \(DeliveriesCommands.Filter.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let output = try await DeliveriesCommands.list(
            store: sources.store, filter: filter, limit: try limit(request), json: true, now: sources.now())
        return json(output.text)
    }

    /// `GET /api/v1/events?limit=`: `tattle events --json`.
    static func listEvents(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        json(try await EventsCommands.list(store: sources.store, limit: try limit(request), json: true).text)
    }

    /// `POST /api/v1/deliveries/{id}/replay`: re-queues one dead row; 404 unknown, 409 not dead.
    static func replay(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        guard let id = request.routeParameters.first(where: { $0.name == "id" }).flatMap({ Int64($0.value) }) else {
            throw APIFailure(.badRequest, "the delivery id must be a number")
        }
        guard let row = try await sources.store.rows(ids: [id]).first else {
            throw APIFailure(.notFound, "no delivery \(id)")
        }
        guard row.state == .dead else {
            throw APIFailure(.conflict, "delivery \(id) is \(DeliveriesTable.displayState(row)), not dead")
        }
        let count = try await sources.store.replay(ids: [id], now: sources.now())
        return json(try EventsCommands.encodeJSON(["replayed": count] as [String: Int]))
    }

    /// `POST /api/v1/reload`: 200 when the file applied, 422 when it was rejected or unreadable.
    static func reload(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        guard let outcome = await sources.reload() else {
            throw APIFailure(.serviceUnavailable, "this process does not reload rules")
        }
        return json(
            try EventsCommands.encodeJSON(outcome), status: outcome.outcome == "applied" ? .ok : .unprocessableContent)
    }

    // MARK: - Helpers

    /// `?limit=`, 1…1000, default 50.
    static func limit(_ request: HTTPRequest) throws -> Int {
        guard let text = request.query["limit"] else { return 50 }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw APIFailure(.badRequest, "limit must be a whole number from 1 to 1000")
        }
        return value
    }

    /// A JSON answer, scrubbed of registered secrets as a last line of defence.
    static func json(_ text: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        HTTPResponse(
            statusCode: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: Data((SecretScrubber.shared.scrub(text) + "\n").utf8))
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        json((try? EventsCommands.encodeJSON(["error": message] as [String: String])) ?? "{}", status: status)
    }
}

/// A request the API refuses, with its status and message.
struct APIFailure: Error {
    /// The status to answer with.
    var status: HTTPStatusCode
    /// What to say, in words.
    var message: String
    /// A refusal.
    init(_ status: HTTPStatusCode, _ message: String) {
        self.status = status
        self.message = message
    }
}
