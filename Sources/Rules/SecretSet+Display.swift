import Foundation
import Secrets

extension SecretSet {
    /// `scheme://host[:port]/…`: the only form of a webhook URL fit for a status page.
    public static func origin(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            let host = components.host
        else { return placeholder }
        let port = components.port.map { ":\($0)" } ?? ""
        let hasMore = !(components.path.isEmpty || components.path == "/") || components.query != nil
        return "\(scheme)://\(host)\(port)" + (hasMore ? "/…" : "")
    }

    /// The URL with its known credential parts masked by `***`: query values of `key`, `access_token`,
    /// `sig`, `token`, `secret`, `sign`, `password`; the Slack `/services/…` path, the Discord token,
    /// the Feishu/Lark hook token; and any userinfo. Unparseable input gives ``origin(_:)``.
    public static func display(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.host != nil else { return origin(url) }
        if components.user != nil || components.password != nil {
            components.user = "***"
            components.password = nil
        }
        if let items = components.queryItems {
            components.queryItems = items.map {
                credentialQueryNames.contains($0.name.lowercased()) ? URLQueryItem(name: $0.name, value: "***") : $0
            }
        }
        components.path = maskedPath(components.path)
        return components.string ?? origin(url)
    }

    private static func maskedPath(_ path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if let index = segments.firstIndex(of: "services"), index + 1 < segments.count {
            segments = Array(segments[...index]) + ["***"]
        } else if let index = segments.firstIndex(of: "webhooks"), index + 2 < segments.count {
            segments = Array(segments[...(index + 1)]) + ["***"]
        } else if let index = segments.firstIndex(of: "hook"), index + 1 < segments.count {
            segments = Array(segments[...index]) + ["***"]
        } else {
            segments = segments.map { $0.count >= 24 ? "***" : $0 }
        }
        return segments.joined(separator: "/")
    }
}
