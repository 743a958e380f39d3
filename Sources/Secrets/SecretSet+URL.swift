import Foundation

extension SecretSet {
    /// Query parameter names whose values are credentials.
    public static let credentialQueryNames: Set<String> = [
        "key", "access_token", "sig", "token", "secret", "sign", "password", "code",
    ]

    /// The parts of `url` that may be credentials: the whole URL, path and query after the host,
    /// userinfo and its pieces, values of ``credentialQueryNames``, and path or query pieces of ``minimumDerivedLength`` or more
    /// characters that are long (16+) or hold a digit (so words such as `webhook` stay readable) —
    /// or, with `everyPiece`, all of them (for text Tattle did not write, such as libcurl's errors).
    public static func credentialParts(of url: String, everyPiece: Bool = false) -> Set<String> {
        var parts: Set<String> = [url]
        var rest = Substring(url)
        if let separator = rest.firstRange(of: "://") { rest = rest[separator.upperBound...] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        if tail.count >= minimumDerivedLength { parts.insert(String(tail)) }
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            parts.insert(String(userinfo))
            for piece in userinfo.split(separator: ":") where piece.count >= minimumSecretLength {
                parts.insert(String(piece))
                parts.insert(String(piece).removingPercentEncoding ?? String(piece))
            }
        }
        let pieces = tail.split(whereSeparator: { "/?&=#;".contains($0) })
        for piece in pieces
        where piece.count >= minimumDerivedLength && (everyPiece || piece.count >= 16 || piece.contains(where: \.isNumber)) {
            parts.insert(String(piece))
            if let decoded = String(piece).removingPercentEncoding { parts.insert(decoded) }
        }
        // Values of credential query parameters (`?key=`, `&sig=`, …), however short or plain.
        for pair in tail.drop { $0 != "?" }.dropFirst().split(separator: "&") {
            let nameAndValue = pair.split(separator: "=", maxSplits: 1)
            guard nameAndValue.count == 2, credentialQueryNames.contains(nameAndValue[0].lowercased()),
                nameAndValue[1].count >= minimumSecretLength
            else { continue }
            parts.insert(String(nameAndValue[1]))
        }
        return parts.filter { !$0.isEmpty }
    }
}

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
}
