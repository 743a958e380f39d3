import Foundation
import Outbox
import Rules
import Store

/// The work behind `tattle silence add|list|expire`: read or change the silences in the state
/// database and return the text to print, like Alertmanager's `amtool silence`. The daemon reads
/// silences at every commit, so a change applies from its next poll cycle, without a restart.
public enum SilenceCommands {
    /// `tattle silence add --match FIELD=VALUE … --for 2h`: stores a silence starting `now` and
    /// prints its id (and, with `json`, the silence as JSON).
    ///
    /// - Throws: ``SilenceError`` for a bad matcher or duration, with a message for the user.
    public static func add(
        store: some SilenceStore, matchers: [String], duration: String, comment: String = "",
        author: String? = nil, now: Date = Date(), json: Bool = false
    ) async throws -> DeliveriesCommands.Output {
        let parsed = try matchers.map { text throws(SilenceError) in try SilenceMatcher(parsing: text) }
        guard let seconds = Silence.parseDuration(duration), seconds > 0 else {
            throw SilenceError("--for \"\(duration)\" is not a positive duration such as 30m, 2h or 1d")
        }
        guard seconds <= 366 * 86400 else {
            throw SilenceError("--for \"\(duration)\" is longer than a year; change the rules file instead")
        }
        let silence = Silence(
            matchers: parsed, startsAt: now, endsAt: now.addingTimeInterval(seconds),
            createdBy: author ?? defaultAuthor(), comment: comment)
        try await store.addSilence(silence)
        if json { return DeliveriesCommands.Output(text: try encode(SilenceListing(silence, now: now))) }
        return DeliveriesCommands.Output(
            text: "Silence \(silence.id) added: \(describe(silence.matchers)) until \(format(silence.endsAt)).")
    }

    /// `tattle silence list`: the active silences (with `all`, also pending and ended ones), as a
    /// table or a JSON array.
    public static func list(
        store: some SilenceStore, all: Bool = false, limit: Int = 100, json: Bool = false, now: Date = Date()
    ) async throws -> DeliveriesCommands.Output {
        let silences =
            all
            ? try await store.allSilences(limit: limit) : Array(try await store.activeSilences(at: now).prefix(limit))
        if json { return DeliveriesCommands.Output(text: try encode(silences.map { SilenceListing($0, now: now) })) }
        guard !silences.isEmpty else {
            return DeliveriesCommands.Output(text: all ? "No silences." : "No active silences.")
        }
        var rows = [["ID", "STATE", "MATCHERS", "ENDS", "CREATED BY", "COMMENT"]]
        for silence in silences {
            rows.append([
                silence.id, SilenceListing.state(silence, now: now), describe(silence.matchers), format(silence.endsAt),
                silence.createdBy, silence.comment,
            ])
        }
        return DeliveriesCommands.Output(text: table(rows))
    }

    /// `tattle silence expire ID…`: ends each silence now. Fails (exit status) when an id is unknown;
    /// the others are still expired.
    public static func expire(
        store: some SilenceStore, ids: [String], now: Date = Date()
    ) async throws -> DeliveriesCommands.Output {
        var lines: [String] = []
        var succeeded = true
        for id in ids {
            guard let before = try await store.silence(id: id) else {
                lines.append("No silence \(id).")
                succeeded = false
                continue
            }
            if before.hasEnded(at: now) {
                lines.append("Silence \(id) had already ended at \(format(before.endsAt)).")
                continue
            }
            try await store.expireSilence(id: id, at: now)
            lines.append("Silence \(id) expired.")
        }
        return DeliveriesCommands.Output(text: lines.joined(separator: "\n"), succeeded: succeeded)
    }

    /// The silences active at `date` in the state database in `directory`, or none when there is
    /// no database there (for `tattle test-rule`, which works without a daemon).
    public static func activeSilences(directory: URL, at date: Date) async throws -> [Silence] {
        try await activeSilences(location: .stateDirectory(directory), at: date)
    }

    /// The silences active at `date` in the state database at `location`; none when it is a state
    /// directory without a database.
    public static func activeSilences(location: StoreLocation, at date: Date) async throws -> [Silence] {
        if case .stateDirectory(let directory) = location,
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent(SQLiteStore.fileName).path)
        {
            return []
        }
        return try await StoreConnection.withDatabase(location) { store in try await store.activeSilences(at: date) }
    }

    /// The matchers as written, joined by spaces: `invocation.commandName=deploy-web status=FAILED`.
    static func describe(_ matchers: [SilenceMatcher]) -> String {
        matchers.map(\.description).joined(separator: " ")
    }

    /// The login name of the user running the command (`USER`, then `LOGNAME`), else `unknown`.
    static func defaultAuthor() -> String {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LOGNAME"] ?? "unknown"
    }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }

    private static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Columns padded to their widest cell, two spaces apart.
    private static func table(_ rows: [[String]]) -> String {
        var widths = Array(repeating: 0, count: rows[0].count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}

/// A silence as `tattle silence list --json` and the admin API print it: the stored fields plus
/// its state at the time of listing.
public struct SilenceListing: Encodable, Sendable {
    public var id: String
    /// `active`, `pending` (starts later) or `ended`.
    public var state: String
    /// The matchers as written (`field=pattern`, `field!=pattern`).
    public var matchers: [String]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: String
    public var comment: String

    public init(_ silence: Silence, now: Date) {
        id = silence.id
        state = Self.state(silence, now: now)
        matchers = silence.matchers.map(\.description)
        startsAt = silence.startsAt
        endsAt = silence.endsAt
        createdBy = silence.createdBy
        comment = silence.comment
    }

    static func state(_ silence: Silence, now: Date) -> String {
        silence.isActive(at: now) ? "active" : silence.hasEnded(at: now) ? "ended" : "pending"
    }
}
