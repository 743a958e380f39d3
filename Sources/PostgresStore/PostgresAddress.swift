import Foundation
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL store lives: `postgres://user[:password]@host[:port]/database[?sslmode=…]`
/// (also `postgresql://`), as libpq spells it. Its ``description`` never shows the password.
///
/// `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it), `require` (TLS,
/// certificate not checked — libpq's meaning) or `verify-full` (TLS with the certificate checked
/// against the system's roots and the host name).
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// TLS towards the server.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    /// Default 5432.
    public var port: Int
    public var user: String
    /// From the URL, or set by the caller from `PGPASSWORD` or a file; `nil` for none.
    public var password: String?
    /// Default: the user name.
    public var database: String
    /// Default ``TLSMode/prefer``.
    public var tls: TLSMode

    public init(
        host: String, port: Int = 5432, user: String, password: String? = nil, database: String? = nil,
        tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database ?? user
        self.tls = tls
    }

    /// Parses a `postgres://` URL.
    ///
    /// - Throws: ``PostgresAddressError`` naming what is wrong; its message never holds the password.
    public init(url text: String) throws(PostgresAddressError) {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else { throw PostgresAddressError("a PostgreSQL store is given as postgres://user@host:port/database") }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresAddressError("the PostgreSQL URL names no host (postgres://user@host:port/database)")
        }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw PostgresAddressError("the PostgreSQL URL names no user (postgres://user@host:port/database)")
        }
        let port = components.port ?? 5432
        guard (1...65_535).contains(port) else {
            throw PostgresAddressError("the PostgreSQL port \(port) is out of range")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.removingPercentEncoding ?? path
        guard !database.contains("/") else {
            throw PostgresAddressError("the PostgreSQL URL's path must be one database name, not \(database)")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw PostgresAddressError(
                        "sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw PostgresAddressError("the PostgreSQL URL parameter \(item.name) is not supported (only sslmode)")
            }
        }
        self.init(
            host: host, port: port, user: user, password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? nil : database, tls: tls)
    }

    /// `postgres://user@host:port/database`, without the password (logs, pages, errors).
    public var description: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.host = host
        components.port = port
        components.path = "/" + database
        if tls != .prefer { components.queryItems = [URLQueryItem(name: "sslmode", value: tls.rawValue)] }
        return components.string ?? "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// The postgres-nio client configuration: this address, its TLS mode, a 5 s connect timeout and
    /// the pool's defaults otherwise (20 connections, keep-alive every 30 s).
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tlsConfiguration)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// One connection of its own to this address (the store's probe when the pool cannot connect).
    ///
    /// - Throws: NIOSSL's error when the TLS context cannot be made.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: Self.unverified))
        case .require: tls = .require(try NIOSSLContext(configuration: Self.unverified))
        case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// TLS without certificate checks: what libpq's `prefer` and `require` mean.
    private static var unverified: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }

    private var tlsConfiguration: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(Self.unverified)
        case .require: return .require(Self.unverified)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }
}

/// A `--store` URL that is not a usable PostgreSQL address.
public struct PostgresAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
