import Secrets

extension SecretSet {
    /// The secrets of these receivers: URLs, signing secrets, SMTP URLs, users and passwords, and the
    /// values of credential headers (`Authorization`, `*token*`, `*key*`, `*secret*`).
    public init(receivers: some Sequence<Receiver>) {
        var secrets: [String] = []
        var urls: [String] = []
        for receiver in receivers {
            if let url = receiver.url { urls.append(url) }
            if let secret = receiver.secret {
                secrets.append(secret)
                if secret.hasPrefix("whsec_") { secrets.append(String(secret.dropFirst(6))) }
            }
            if let email = receiver.email {
                urls.append(email.url)
                if let password = email.password { secrets.append(password) }
            }
            for (name, value) in receiver.headers where Self.isCredentialHeader(name) { secrets.append(value) }
        }
        self.init(secrets: secrets, urls: urls)
    }

    static func isCredentialHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower.contains("token") || lower.contains("key")
            || lower.contains("secret")
    }
}
