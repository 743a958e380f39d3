import Events
import Foundation
import Outbox
import PostgresStore
import Store
import TestSupport
import Testing

@testable import TattleApp

@Suite("--store: where the state database is, and its password")
struct StoreLocationTests {
    let directory = URL(fileURLWithPath: "/var/lib/tattle", isDirectory: true)

    @Test("without --store or TATTLE_STORE the SQLite file in the state directory; the flag wins over the variable")
    func precedence() throws {
        let none = try StoreLocation.resolve(nil, environment: [:], stateDirectory: directory)
        #expect(none.isStateDirectory && none.description == "/var/lib/tattle/tattle.sqlite")
        let fromVariable = try StoreLocation.resolve(
            nil, environment: ["TATTLE_STORE": "postgres://tattle@db:6432/state"], stateDirectory: directory)
        #expect(fromVariable.description == "postgres://tattle@db:6432/state")
        let fromFlag = try StoreLocation.resolve(
            "postgresql://ops@db2/tattle?sslmode=require", environment: ["TATTLE_STORE": "postgres://x@y/z"],
            stateDirectory: directory)
        guard case .postgres(let address) = fromFlag else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(address.host == "db2" && address.port == 5432 && address.user == "ops" && address.database == "tattle")
        #expect(address.tls == .require && address.password == nil)
        var flags = DaemonOptions.Flags()
        flags.store = "postgres://tattle@db/tattle"
        #expect(try DaemonOptions.resolve(flags, environment: [:]).storeLocation.isStateDirectory == false)
        #expect(try DaemonOptions.resolve(.init(), environment: [:]).storeLocation.isStateDirectory)
    }

    @Test(
        "the password from the URL (percent-encoded), PGPASSWORD or the file, is never shown and is scrubbed",
        arguments: ["url", "PGPASSWORD", "file"])
    func password(source: String) throws {
        let secret = "pa ss@w:rd-\(source)-91"
        var environment: [String: String] = [:]
        var url = "postgres://tattle@db.internal/tattle"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-pw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        switch source {
        case "url":
            let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? secret
            url = "postgres://tattle:\(encoded)@db.internal/tattle"
        case "PGPASSWORD": environment["PGPASSWORD"] = secret
        default:
            try Data((secret + "\n").utf8).write(to: file)
            environment["TATTLE_STORE_PASSWORD_FILE"] = file.path
        }
        let location = try StoreLocation.resolve(url, environment: environment, stateDirectory: directory)
        guard case .postgres(let address) = location else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(address.password == secret)
        #expect(location.description == "postgres://tattle@db.internal:5432/tattle")
        #expect(!"\(address)".contains(secret))
        #expect(SecretScrubber.shared.scrub("login as \(secret) failed") == "login as [redacted] failed")
    }

    @Test("a bad URL, two passwords or an unreadable password file is a configuration error without the password")
    func refusals() throws {
        let cases: [(String, [String: String], String)] = [
            ("mysql://tattle@db/tattle", [:], "postgres://user@host:port/database"),
            ("postgres:///tattle", [:], "no host"),
            ("postgres://db/tattle", [:], "no user"),
            ("postgres://t@db/tattle?sslmode=sometimes", [:], "sslmode must be one of"),
            ("postgres://t@db/a/b", [:], "one database name"),
            ("postgres://t@db/tattle?application_name=x", [:], "not supported"),
            ("postgres://t:hunter2-secret@db/tattle", ["PGPASSWORD": "other-secret-77"], "given 2 ways"),
            ("postgres://t@db/tattle", ["TATTLE_STORE_PASSWORD_FILE": "/nonexistent/pw"], "cannot read"),
        ]
        for (url, environment, message) in cases {
            #expect {
                _ = try StoreLocation.resolve(url, environment: environment, stateDirectory: directory)
            } throws: { error in
                let text = "\(error)"
                return error is ConfigurationError && text.contains(message) && !text.contains("hunter2-secret")
                    && !text.contains("other-secret-77")
            }
        }
    }

    @Test("the commands open the PostgreSQL store, migrated, and read what the daemon wrote", .timeLimit(.minutes(1)))
    func commandsOnPostgres() async throws {
        let server = try await PostgresServer.shared()
        let database = try await server.createDatabase()
        let location = try StoreLocation.resolve(
            server.url(database: database), environment: [:], stateDirectory: directory)
        let event = Event(
            id: "evt-cli-1", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: Date(),
            previousStatus: "RUNNING", status: "FAILED", invocation: InvocationInfo(id: "inv-cli-1", status: "FAILED"))
        try await StoreConnection.withDatabase(location) { store in
            try await store.commit(
                CycleCommit(
                    region: "ap-guangzhou", events: [event],
                    dispatches: [Dispatch(eventId: "evt-cli-1", receiver: "ops", rule: "all", notBefore: Date())]))
        }
        let listed = try await StoreConnection.withDatabase(location) { store in
            try await EventsCommands.list(store: store, limit: 10, json: false)
        }
        #expect(listed.text.contains("inv-cli-1") && listed.text.contains("ops (pending)"))
        let replayed = try await StoreConnection.withDatabase(location) { store in
            try await DeliveriesCommands.replay(store: store, ids: nil)
        }
        #expect(replayed.text == "Re-queued 0 dead deliveries.")
        try await server.dropDatabase(database)
        // A state directory without a database is an error for a command, not an empty outbox.
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-none-\(UUID().uuidString)")
        await #expect(throws: StoreError.self) {
            try await StoreConnection.withDatabase(.stateDirectory(nowhere)) { _ in }
        }
    }
}
