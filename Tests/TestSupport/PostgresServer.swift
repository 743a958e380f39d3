import Foundation
import Logging
import PostgresNIO
import Synchronization

/// A real PostgreSQL 15 server on loopback for tests: `initdb` and `pg_ctl` from Debian's
/// `postgresql-15` (`/usr/lib/postgresql/15/bin`), run as the `postgres` user when the tests run as
/// root (initdb refuses root), in a temporary directory, on a port picked here, with `fsync=off`.
///
/// ``shared()`` starts one server per test process (stopped at exit); each test takes a fresh
/// database from it (``createDatabase()``) and drops it after (``dropDatabase(_:)``). A test that
/// stops and restarts the server (``stop()``, ``start()``) starts its own with ``launch()``.
public final class PostgresServer: Sendable {
    /// The binaries' directory (Debian's layout; nothing in /usr/local/bin is relied on).
    public static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    /// The server's loopback port.
    public let port: Int
    /// The superuser, who connects without a password (trust on loopback).
    public let user = "postgres"
    /// The temporary directory holding the cluster (`data`), the socket and the log.
    public let directory: URL
    private let counter = Atomic<Int>(0)

    /// Whether the server syncs its WAL to disk (`fsync=on`, `synchronous_commit=off`: what SQLite's
    /// `synchronous=NORMAL` promises) rather than not at all (`fsync=off`, for tests).
    public let durable: Bool

    private init(port: Int, directory: URL, durable: Bool = false) {
        self.port = port
        self.directory = directory
        self.durable = durable
    }

    /// The server of this test process, started on first use.
    public static func shared() async throws -> PostgresServer {
        try await SharedServer.instance.value()
    }

    /// A new server of its own (for tests that stop and start it, and benchmarks: `durable`), stopped
    /// at process exit at the latest.
    public static func launch(durable: Bool = false) async throws -> PostgresServer {
        try await PostgresServer.cleanStaleServers()
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("tattle-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("\(getpid())\n".utf8).write(to: directory.appendingPathComponent("owner.pid"))
        if getuid() == 0 { try await run("/usr/bin/chown", ["-R", "postgres", directory.path], asServerUser: false) }
        var server = PostgresServer(port: Int(try FreePort.pick()), directory: directory, durable: durable)
        try await run(
            binaries.appendingPathComponent("initdb").path,
            [
                "-D", server.dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync",
                "--no-instructions",
            ])
        RunningServers.register(server)
        // A picked port is free when picked, not when the server binds it: with the whole suite
        // running, a client's ephemeral port can take it in between. Try another port then.
        for attempt in 1... {
            do {
                try await server.start()
                return server
            } catch {
                let log = server.logTail()
                guard attempt < 3, log.contains("could not bind") || log.contains("Address already in use") else {
                    throw TestSupportError("\(error)\nserver log:\n\(log)")
                }
                server = PostgresServer(port: Int(try FreePort.pick()), directory: directory, durable: durable)
                RunningServers.register(server)
            }
        }
        fatalError("unreachable")
    }

    /// The last lines of the server's log (why it did not start).
    func logTail() -> String {
        let text = (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// Starts (or restarts) the server on its port and waits until it accepts connections.
    public func start() async throws {
        let durability =
            durable
            ? ["-c fsync=on", "-c synchronous_commit=off"]
            : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        let options =
            (["-p \(port)", "-k \(directory.path)", "-c listen_addresses=127.0.0.1", "-c max_connections=300"]
            + durability + ["-c shared_buffers=\(durable ? "128MB" : "32MB")"]).joined(separator: " ")
        try await Self.run(
            Self.binaries.appendingPathComponent("pg_ctl").path,
            [
                "-D", dataDirectory, "-o", options, "-l", directory.appendingPathComponent("server.log").path, "-w",
                "-t", "60", "start",
            ])
    }

    /// Stops the server (fast shutdown: open connections are closed, as when a database goes away).
    public func stop() async throws {
        try await Self.run(
            Self.binaries.appendingPathComponent("pg_ctl").path, ["-D", dataDirectory, "-m", "fast", "-w", "stop"])
    }

    /// `postgres://postgres@127.0.0.1:<port>/<database>?sslmode=disable`.
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Creates an empty database with a name of its own and returns the name.
    public func createDatabase() async throws -> String {
        let name = "t\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)_\(UInt32.random(in: 0...UInt32.max))"
        try await admin("CREATE DATABASE \(name)")
        return name
    }

    /// Drops a database made by ``createDatabase()``, closing whatever connections it still has.
    public func dropDatabase(_ name: String) async throws {
        try await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement as the superuser on the `postgres` database.
    public func admin(_ sql: String) async throws {
        let configuration = PostgresConnection.Configuration(
            host: "127.0.0.1", port: port, username: user, password: nil, database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 1, logger: Logger(label: "tattle.test.postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "tattle.test.postgres"))
        } catch {
            try? await connection.close()
            throw TestSupportError("\(sql) failed: \(String(reflecting: error))")
        }
        try await connection.close()
    }

    /// Stops the server now (immediate shutdown) and removes its directory; used at process exit.
    public func destroy() {
        let pgctl = Self.binaries.appendingPathComponent("pg_ctl").path
        let argv =
            (getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--", pgctl] : [pgctl])
            + ["-D", dataDirectory, "-m", "immediate", "-w", "stop"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDWR, 0)
        }
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        if posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ) == 0 {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Stops servers left by test processes that died without reaching their exit handler.
    static func cleanStaleServers() async throws {
        let tmp = URL(fileURLWithPath: "/tmp")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []
        where name.hasPrefix("tattle-pg-") {
            let directory = tmp.appendingPathComponent(name)
            let owner = (try? String(contentsOf: directory.appendingPathComponent("owner.pid"), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard let owner, kill(owner, 0) != 0, errno == ESRCH else { continue }
            PostgresServer(port: 0, directory: directory).destroy()
        }
    }

    /// Runs `executable` (as the `postgres` user when this process is root and `asServerUser`) and
    /// waits for it; a failure throws with its output.
    ///
    /// Spawned directly rather than with Foundation's `Process`, which learns of a child's exit from a
    /// descriptor the child inherits: the server `pg_ctl start` leaves running would keep it open, and
    /// the wait would last as long as the server. Here the child's standard descriptors are /dev/null
    /// and an output file, and its exit is learnt from `waitpid`.
    static func run(_ executable: String, _ arguments: [String], asServerUser: Bool = true) async throws {
        let command =
            getuid() == 0 && asServerUser ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] : [executable]
        let argv = command + arguments
        let outputFile = NSTemporaryDirectory() + "tattle-pg-command-\(UUID().uuidString).out"
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw TestSupportError("cannot start \(argv[0]): errno \(spawned)") }
        let child = pid
        let status = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            // waitpid blocks: a thread of its own, not the cooperative pool.
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        guard status == 0 else {
            let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            throw TestSupportError("\(argv.joined(separator: " ")) failed (wait status \(status)): \(text)")
        }
    }
}

/// The one server of this test process, started by the first test that asks.
private actor SharedServer {
    static let instance = SharedServer()
    private var started: Task<PostgresServer, any Error>?

    func value() async throws -> PostgresServer {
        if let started { return try await started.value }
        let task = Task { try await PostgresServer.launch() }
        started = task
        return try await task.value
    }
}

/// The servers to stop at process exit.
private enum RunningServers {
    private static let live = Mutex<[PostgresServer]>([])
    private static let installAtExit: Void = {
        atexit {
            for server in RunningServers.live.withLock({ $0 }) { server.destroy() }
        }
    }()

    static func register(_ server: PostgresServer) {
        _ = installAtExit
        live.withLock { $0.append(server) }
    }
}
