import Foundation

/// Hiding credentials in what Tattle prints.
public enum Redaction {
    /// `scheme://host/…` — webhook URLs carry tokens in their path or query, so only the scheme and
    /// host are ever shown. Unparseable text becomes `…`.
    public static func url(_ url: String?) -> String {
        guard let url, let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host,
            !host.isEmpty
        else { return "…" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)/…"
    }
}

extension RuleSet {
    /// The same rules with unresolved references ignored, so `tattle test-rule` can show payloads
    /// without the production secrets. Never use for sending.
    public func ignoringMissingReferences() -> RuleSet {
        var copy = self
        for name in copy.receiverConfigs.keys { copy.receiverConfigs[name]?.missingReferences = [] }
        return copy
    }
}
