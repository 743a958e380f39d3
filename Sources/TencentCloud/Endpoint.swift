import Foundation

/// A Tencent Cloud API endpoint, `http(s)://host[:port][/]`, and the Host header curl sends for it.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public var scheme: String
    /// The host name or address (IPv6 without brackets), lower case.
    public var host: String
    /// The explicit port, nil for the scheme's default.
    public var port: Int?

    /// The China-site TAT endpoint, `https://tat.tencentcloudapi.com`.
    public static let tat = Endpoint(scheme: "https", host: "tat.tencentcloudapi.com")
    /// The international-site TAT endpoint, `https://tat.intl.tencentcloudapi.com`.
    public static let tatInternational = Endpoint(scheme: "https", host: "tat.intl.tencentcloudapi.com")

    /// Creates an endpoint from parts.
    public init(scheme: String, host: String, port: Int? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `http(s)://host[:port][/]`; nil for anything else (paths, queries, user info, bad ports).
    public init?(parsing text: String) {
        let lower = text.trimmingCharacters(in: [" "])
        let scheme: String
        if lower.lowercased().hasPrefix("https://") {
            scheme = "https"
        } else if lower.lowercased().hasPrefix("http://") {
            scheme = "http"
        } else {
            return nil
        }
        var rest = Substring(lower.dropFirst(scheme.count + 3))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains(where: { "/?#@ ".contains($0) }) else { return nil }
        var host: Substring
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
        }
        guard !host.isEmpty else { return nil }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { return nil }
            port = value
        }
        self.init(scheme: scheme, host: host.lowercased(), port: port)
    }

    /// The scheme's default port: 443 for https, 80 for http.
    public var defaultPort: Int { scheme == "https" ? 443 : 80 }

    /// The Host header as curl sends it, and as it must be signed: `host`, or `host:port` when the port
    /// is not the scheme's default; IPv6 addresses in brackets.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        guard let port, port != defaultPort else { return name }
        return "\(name):\(port)"
    }

    /// The URL requests are POSTed to: `scheme://hostHeader/`.
    public var url: String { "\(scheme)://\(hostHeader)/" }

    /// Same as `url`.
    public var description: String { url }
}
