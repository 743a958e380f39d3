import FlyingFox
import Foundation
import Outbox
import Rules
import Store

extension AdminAPI {
    /// `GET/POST /api/v1/silences`, `DELETE /api/v1/silences/{id}`.
    static var silenceEndpoints: [(Route, Handler)] {
        [
            (Route(method: "GET", path: "/api/v1/silences", changesState: false), listSilences),
            (Route(method: "POST", path: "/api/v1/silences", changesState: true), addSilence),
            (Route(method: "DELETE", path: "/api/v1/silences/{id}", changesState: true), expireSilence),
        ]
    }

    /// Active silences, soonest to end first; `?all=true` adds pending and ended ones, newest first.
    static func listSilences(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        let now = sources.now()
        let all: Bool
        switch request.query["all"] {
        case nil, "false", "0": all = false
        case "true", "1": all = true
        default: throw APIFailure(.badRequest, "all must be true or false")
        }
        let output = try await SilenceCommands.list(
            store: sources.store, all: all, limit: try limit(request), json: true, now: now)
        return json(output.text)
    }

    /// The body of `POST /api/v1/silences` (see `NewSilence` in `docs/api.yaml`).
    struct NewSilence: Decodable {
        var matchers: [String]
        var `for`: String?
        var startsAt: Date?
        var endsAt: Date?
        var comment: String?
        var createdBy: String?
    }

    /// `POST /api/v1/silences`: validates like `tattle silence add`, answers 201 with the silence.
    static func addSilence(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        let now = sources.now()
        let body = try await request.bodyData
        guard body.count <= maxBodyBytes else {
            throw APIFailure(.payloadTooLarge, "the request body is limited to \(maxBodyBytes) bytes")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let new: NewSilence
        do { new = try decoder.decode(NewSilence.self, from: body) } catch {
            throw APIFailure(
                .badRequest,
                "the body must be JSON like {\"matchers\": [\"invocation.commandName=deploy-web\"], \"for\": \"2h\"}: "
                    + RulesCommands.describe(error))
        }
        let startsAt = new.startsAt ?? now
        let endsAt: Date
        switch (new.for, new.endsAt) {
        case (let text?, nil):
            guard let seconds = Silence.parseDuration(text), seconds > 0 else {
                throw APIFailure(.badRequest, "for \"\(text)\" is not a positive duration such as 30m, 2h or 1d")
            }
            endsAt = startsAt.addingTimeInterval(seconds)
        case (nil, let date?): endsAt = date
        default: throw APIFailure(.badRequest, "give either \"for\" (e.g. \"2h\") or \"endsAt\", not both or neither")
        }
        do {
            let matchers = try new.matchers.map { text throws(SilenceError) in try SilenceMatcher(parsing: text) }
            let silence = Silence(
                matchers: matchers, startsAt: startsAt, endsAt: endsAt,
                createdBy: new.createdBy.flatMap { $0.isEmpty ? nil : $0 } ?? "admin API", comment: new.comment ?? "")
            try silence.validate()
            try await sources.store.addSilence(silence)
            return json(try EventsCommands.encodeJSON(SilenceListing(silence, now: now)), status: .created)
        } catch let error as SilenceError {
            throw APIFailure(.badRequest, error.message)
        }
    }

    /// `DELETE /api/v1/silences/{id}`: ends it now (an ended one stays ended); 404 when unknown.
    static func expireSilence(_ request: HTTPRequest, _ sources: StatusSources) async throws -> HTTPResponse {
        let id = request.routeParameters.first { $0.name == "id" }?.value ?? ""
        guard let silence = try await sources.store.expireSilence(id: id, at: sources.now()) else {
            throw APIFailure(.notFound, "no silence \(id)")
        }
        return json(try EventsCommands.encodeJSON(SilenceListing(silence, now: sources.now())))
    }
}
