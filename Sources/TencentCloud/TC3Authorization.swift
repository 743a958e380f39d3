/// The parts of a `TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header, for verifiers.
public struct TC3Authorization: Sendable, Hashable {
    /// The SecretId from the credential scope.
    public var secretId: String
    /// The scope date, `yyyy-MM-dd`.
    public var date: String
    /// The scope service, e.g. `tat`.
    public var service: String
    /// The signed header names, lower case, in header order (e.g. `["content-type", "host"]`).
    public var signedHeaders: [String]
    /// The hex signature.
    public var signature: String

    /// Parses an Authorization header value; nil when it is not a well-formed TC3 header
    /// (wrong algorithm, missing part, or a scope not ending in `tc3_request`).
    public init?(parsing header: String) {
        let prefix = TC3Signer.algorithm + " "
        guard header.hasPrefix(prefix) else { return nil }
        var parts: [String: String] = [:]
        for item in header.dropFirst(prefix.count).split(separator: ",") {
            let trimmed = item.trimmingSpaces()
            guard let eq = trimmed.firstIndex(of: "=") else { return nil }
            parts[String(trimmed[..<eq])] = String(trimmed[trimmed.index(after: eq)...])
        }
        guard let credential = parts["Credential"], let signed = parts["SignedHeaders"],
            let signature = parts["Signature"], !signature.isEmpty
        else { return nil }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 4, scope[3] == "tc3_request", !scope[0].isEmpty else { return nil }
        self.secretId = scope[0]
        self.date = scope[1]
        self.service = scope[2]
        self.signedHeaders = signed.split(separator: ";").map(String.init)
        self.signature = signature
    }

    /// The signed headers as `TC3Signer.SignedHeaders`, nil for any other set.
    public var signedHeadersVariant: TC3Signer.SignedHeaders? {
        TC3Signer.SignedHeaders(rawValue: signedHeaders.joined(separator: ";"))
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
