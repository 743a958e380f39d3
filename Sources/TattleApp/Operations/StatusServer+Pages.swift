import FlyingFox
import Foundation
import Logging
import Store

extension StatusServer {
    /// `GET /`, `GET /deliveries/{id}`, `GET /events/{id}` and the admin API.
    static func addPages(to server: HTTPServer, sources: StatusSources, logger: Logger) async {
        await server.appendRoute("GET /") { _ in
            let nonce = PageLayout.nonce()
            do {
                return page(try await overviewHTML(sources, nonce: nonce), nonce: nonce)
            } catch {
                return page(
                    problem("Cannot read the state database: \(error)", nonce: nonce), nonce: nonce,
                    status: .serviceUnavailable)
            }
        }
        await server.appendRoute("GET /deliveries/:id") { request in
            let nonce = PageLayout.nonce()
            guard let id = request.routeParameters.first(where: { $0.name == "id" }).flatMap({ Int64($0.value) }),
                let row = try? await sources.store.rows(ids: [id]).first
            else { return page(problem("No such delivery.", nonce: nonce), nonce: nonce, status: .notFound) }
            return page(
                DetailPages.delivery(row, sources: sources, adminEnabled: sources.token.isEnabled, nonce: nonce),
                nonce: nonce)
        }
        await server.appendRoute("GET /events/:id") { request in
            let nonce = PageLayout.nonce()
            guard let id = request.routeParameters.first(where: { $0.name == "id" })?.value,
                let recorded = try? await sources.store.recordedEvent(id: id)
            else { return page(problem("No such event.", nonce: nonce), nonce: nonce, status: .notFound) }
            return page(DetailPages.event(recorded, sources: sources, nonce: nonce), nonce: nonce)
        }
        await AdminAPI.register(on: server, sources: sources, logger: logger)
    }

    /// The overview page as `GET /` serves it (the benchmark renders it without a socket).
    public static func overviewHTML(_ sources: StatusSources) async throws -> String {
        try await overviewHTML(sources, nonce: PageLayout.nonce())
    }

    static func overviewHTML(_ sources: StatusSources, nonce: String) async throws -> String {
        StatusPage.render(try await StatusReport.gather(sources), nonce: nonce)
    }

    private static func page(_ html: String, nonce: String, status: HTTPStatusCode = .ok) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in PageLayout.headers(nonce: nonce) { headers[HTTPHeader(name)] = value }
        return HTTPResponse(statusCode: status, headers: headers, body: Data(html.utf8))
    }

    private static func problem(_ text: String, nonce: String) -> String {
        PageLayout.document(title: "Tattle", body: "<p class=\"bad\">\(HTML.escape(text))</p>", nonce: nonce)
    }
}
