/// Keeps credentials out of error messages.
///
/// A URL's userinfo, path and query can hold secrets (webhook tokens, `?key=`), so errors name the
/// target only as ``target`` (`scheme://host:port`), and ``scrub(_:)`` removes every such part, plus
/// any extra secret (an SMTP password), from text libcurl or a server produced. Single words shorter
/// than 4 characters (userinfo halves, passwords) are left alone: they would match ordinary text
/// and cannot be told apart from it anyway.
struct Redactor: Sendable {
    /// `scheme://host:port`, the port made explicit for the schemes this module speaks.
    let target: String
    /// Strings never to reveal, longest first so a longer secret is removed before its parts.
    private let secrets: [String]

    /// Placeholder that replaces a secret.
    static let placeholder = "[redacted]"

    /// Parses `url` without validating it; `extraSecrets` are removed from scrubbed text too.
    init(url: String, extraSecrets: [String?] = []) {
        var secrets: [String] = [url]
        var rest = Substring(url)
        var scheme = ""
        if let separator = rest.firstRange(of: "://") {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        if tail.count > 1 { secrets.append(String(tail)) }
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            secrets.append(String(userinfo))
            secrets.append(contentsOf: userinfo.split(separator: ":").filter { $0.count >= 4 }.map(String.init))
            authority = authority[authority.index(after: at)...]
        }
        // Path segments and query values of some length are tokens in many webhook URLs.
        let pieces = tail.split { "/?&=#;".contains($0) }
        secrets.append(contentsOf: pieces.filter { $0.count >= 6 }.map(String.init))
        secrets.append(contentsOf: extraSecrets.compactMap { $0 }.filter { $0.count >= 4 })

        self.target = Self.target(scheme: scheme, authority: authority)
        self.secrets = Array(Set(secrets.filter { !$0.isEmpty })).sorted { $0.count > $1.count }
    }

    /// `text` with every secret replaced by ``placeholder``.
    func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.placeholder)
        }
        return result
    }

    private static func target(scheme: String, authority: Substring) -> String {
        var host = authority
        var port: Substring?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        let explicitPort = port.flatMap { $0.isEmpty ? nil : String($0) }
        let shownPort = explicitPort ?? defaultPorts[scheme]
        let shownScheme = scheme.isEmpty ? "" : "\(scheme)://"
        return shownPort.map { "\(shownScheme)\(host):\($0)" } ?? "\(shownScheme)\(host)"
    }

    private static let defaultPorts = ["http": "80", "https": "443", "smtp": "25", "smtps": "465"]
}
