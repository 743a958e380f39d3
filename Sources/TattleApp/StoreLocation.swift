import Foundation
import PostgresStore
import Secrets
import Store

/// Where the state database is: the SQLite file in the state directory (the default), or a
/// PostgreSQL database shared by several replicas (`--store postgres://user@host:port/db`, or
/// `TATTLE_STORE`). Its ``description`` never shows a password.
public enum StoreLocation: Sendable, CustomStringConvertible {
    /// `tattle.sqlite` in this directory, guarded by the directory's lock.
    case stateDirectory(URL)
    /// A PostgreSQL database; the password (if any) is inside the address.
    case postgres(PostgresAddress)

    /// The variable `--store` defaults to.
    public static let variable = "TATTLE_STORE"
    /// The variable naming a file that holds the PostgreSQL password (a Kubernetes secret mount).
    public static let passwordFileVariable = "TATTLE_STORE_PASSWORD_FILE"

    /// `flag`, else `TATTLE_STORE`, else the state directory's SQLite file. The PostgreSQL password
    /// comes from the URL, `PGPASSWORD` or the file `TATTLE_STORE_PASSWORD_FILE` names (one of them),
    /// and is registered with the ``SecretScrubber`` before anything can log it.
    ///
    /// - Throws: ``ConfigurationError`` for a malformed URL, an unreadable password file, or a
    ///   password given two ways; no message holds the password.
    public static func resolve(
        _ flag: String?, environment: [String: String], stateDirectory: URL
    ) throws -> StoreLocation {
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let text = flag.flatMap({ $0.isEmpty ? nil : $0 }) ?? nonEmpty(variable) else {
            return .stateDirectory(stateDirectory)
        }
        var address: PostgresAddress
        do { address = try PostgresAddress(url: text) } catch {
            throw ConfigurationError("--store / \(variable): \(error)")
        }
        // Registered at once: even the error below must not show it.
        register(address.password)
        let environmentPassword = nonEmpty("PGPASSWORD")
        let file = nonEmpty(passwordFileVariable)
        let sources = [
            address.password != nil ? "the URL" : nil, environmentPassword != nil ? "PGPASSWORD" : nil,
            file != nil ? passwordFileVariable : nil,
        ].compactMap { $0 }
        guard sources.count <= 1 else {
            throw ConfigurationError(
                "the PostgreSQL password is given \(sources.count) ways (\(sources.joined(separator: ", "))); give it one way"
            )
        }
        if let environmentPassword { address.password = environmentPassword }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("cannot read \(passwordFileVariable) \(file)")
            }
            address.password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        register(address.password)
        return .postgres(address)
    }

    /// `the SQLite file <path>` or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .stateDirectory(let directory): directory.appendingPathComponent(SQLiteStore.fileName).path
        case .postgres(let address): address.description
        }
    }

    /// Whether this is the SQLite file (single writer, state-directory lock) rather than PostgreSQL.
    public var isStateDirectory: Bool {
        if case .stateDirectory = self { return true }
        return false
    }

    private static func register(_ password: String?) {
        guard let password, !password.isEmpty else { return }
        SecretScrubber.shared.register(SecretSet(secrets: [password]))
    }
}
