import Secrets

/// Keeps credentials out of error messages.
///
/// A URL's userinfo, path and query can hold secrets (webhook tokens, `?key=`), so errors name the
/// target only as ``target`` (`scheme://host:port`), and ``scrub(_:)`` removes every such part, plus
/// any extra secret (an SMTP password), from text libcurl or a server produced, through the one
/// ``SecretSet``. Extra secrets shorter than 4 characters are left alone: they would match ordinary
/// text and cannot be told apart from it anyway.
struct Redactor: Sendable {
    /// `scheme://host:port`, the port made explicit for the schemes this module speaks.
    let target: String
    private let url: String
    private let extraSecrets: [String]

    /// Parses `url` without validating it; `extraSecrets` are removed from scrubbed text too.
    init(url: String, extraSecrets: [String?] = []) {
        self.url = url
        self.extraSecrets = extraSecrets.compactMap { $0 }.filter { $0.count >= 4 }
        var rest = Substring(url)
        var scheme = ""
        if let separator = rest.firstRange(of: "://") {
            scheme = rest[..<separator.lowerBound].lowercased()
            rest = rest[separator.upperBound...]
        }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        self.target = Self.target(scheme: scheme, authority: authority)
    }

    /// What never to reveal: the URL's credential parts, every path or query piece of 6+ characters,
    /// and the extra secrets, scrubbed with the one placeholder. Built when an error needs it, not
    /// for every transfer (most succeed and scrub nothing).
    var secrets: SecretSet {
        // Text here is libcurl's or a server's, so every longer URL piece counts, not only likely tokens.
        SecretSet(secrets: extraSecrets, urls: [url], everyURLPiece: true)
    }

    /// `text` with every secret replaced by ``SecretSet/placeholder``.
    func scrub(_ text: String) -> String { secrets.scrub(text) }

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
