import Events
import Foundation

extension Loader {
    static let receiverKeys = [
        "type", "description", "url", "format", "secret", "method", "headers", "rateLimit", "maxConcurrency", "retry",
        "timeout", "maxBodyBytes", "smtp", "from", "to", "title", "body", "bodyTemplate", "html",
    ]

    /// Payload formats by platform; the first is the default.
    static let formats: [Platform: [String]] = [
        .wecom: ["text", "markdown"], .dingtalk: ["text", "markdown"], .feishu: ["text", "post"],
        .lark: ["text", "post"],
        .slack: ["blocks", "text"], .teams: ["card"], .discord: ["embed", "content"], .webhook: ["event", "template"],
        .email: ["text"],
    ]

    static let platforms: [Platform] = [.wecom, .dingtalk, .feishu, .lark, .slack, .teams, .discord, .webhook, .email]

    func loadReceiver(name: String, _ value: JSONTree, _ path: JSONPath) -> ReceiverConfig? {
        guard let members = context.object(value, path, allowed: Self.receiverKeys) else { return nil }
        guard let typeName = context.string(members["type"], path + "type", resolve: false) else {
            if members["type"] == nil {
                context.error(
                    path + "type", "missing \"type\": one of \(Self.platforms.map(\.rawValue).joined(separator: ", "))")
            }
            return nil
        }
        let platform = Platform(rawValue: typeName)
        guard let formats = Self.formats[platform] else {
            context.error(
                path + "type",
                "unknown receiver type \"\(typeName)\""
                    + Suggest.hint(for: typeName, among: Self.platforms.map(\.rawValue)))
            return nil
        }
        var receiver = Receiver(name: name, platform: platform)
        var format = formats[0]
        if let given = context.string(members["format"], path + "format", resolve: false) {
            if formats.contains(given) {
                format = given
            } else {
                context.error(
                    path + "format",
                    "format \"\(given)\" is not available for \(typeName); use one of \(formats.joined(separator: ", "))"
                )
            }
        }
        receiver.format = format

        if platform == .email {
            receiver.email = loadEmail(members, path)
            for key in ["url", "method", "headers", "secret", "format", "bodyTemplate"] where members[key] != nil {
                context.warning(path + key, "\"\(key)\" is not used by email receivers", atKey: true)
            }
        } else {
            receiver.url = loadURL(members["url"], path + "url", required: true)
            for key in ["smtp", "from", "to", "html"] where members[key] != nil {
                context.warning(path + key, "\"\(key)\" is only used by email receivers", atKey: true)
            }
        }
        if let method = context.string(members["method"], path + "method", resolve: false) {
            let upper = method.uppercased()
            if ["POST", "PUT", "PATCH"].contains(upper) {
                receiver.method = upper
            } else {
                context.error(path + "method", "method must be POST, PUT or PATCH")
            }
        }
        if let headersValue = members["headers"], case .object(let headers) = headersValue {
            for key in headers.keys.sorted() {
                let headerPath = path + "headers" + key
                guard let headerValue = context.string(headers[key], headerPath) else { continue }
                if key.isEmpty || key.contains(where: { $0 == ":" || $0.isWhitespace || !$0.isASCII }) {
                    context.error(headerPath, "invalid header name \"\(key)\"", atKey: true)
                } else if headerValue.contains(where: { $0 == "\r" || $0 == "\n" }) {
                    context.error(headerPath, "header values cannot contain line breaks")
                } else {
                    receiver.headers[key] = headerValue
                }
            }
        } else if let headersValue = members["headers"] {
            context.error(
                path + "headers", "expected an object of header names to values, found \(headersValue.typeName)")
        }
        receiver.secret = context.string(members["secret"], path + "secret")
        if let secret = receiver.secret, secret.isEmpty { receiver.secret = nil }
        if platform == .webhook, let secret = receiver.secret, !secret.hasPrefix("whsec_"), !secret.contains("${") {
            context.warning(
                path + "secret", "Standard Webhooks secrets look like \"whsec_<base64>\"; this one is used as raw bytes"
            )
        }
        if receiver.secret != nil, ![.dingtalk, .feishu, .lark, .webhook].contains(platform) {
            context.warning(path + "secret", "\(typeName) receivers do not sign requests; \"secret\" is ignored")
        }
        if let rateValue = members["rateLimit"],
            let rate = context.object(rateValue, path + "rateLimit", allowed: ["count", "perSeconds", "per"])
        {
            let count = context.integer(rate["count"], path + "rateLimit" + "count", range: 1...100_000)
            let per =
                rate["perSeconds"].flatMap {
                    context.duration($0, path + "rateLimit" + "perSeconds", range: 0.001...86400)
                }
                ?? rate["per"].flatMap { context.duration($0, path + "rateLimit" + "per", range: 0.001...86400) }
            if count == nil, rate["count"] == nil {
                context.error(path + "rateLimit", "rateLimit needs \"count\" and \"perSeconds\"")
            }
            if let count { receiver.rateLimit = RateLimit(count: count, perSeconds: per ?? 60) }
        }
        receiver.maxConcurrency = context.integer(members["maxConcurrency"], path + "maxConcurrency", range: 1...256)
        if let retryValue = members["retry"],
            let retry = context.object(retryValue, path + "retry", allowed: ["maxAttempts", "maxAge"])
        {
            receiver.retry.maxAttempts = context.integer(
                retry["maxAttempts"], path + "retry" + "maxAttempts", range: 1...1000)
            receiver.retry.maxAgeSeconds = context.duration(
                retry["maxAge"], path + "retry" + "maxAge", range: 1...(30 * 86400))
        }
        receiver.timeoutSeconds = context.duration(members["timeout"], path + "timeout", range: 0.1...600)
        receiver.maxBodyBytes = context.integer(
            members["maxBodyBytes"], path + "maxBodyBytes", range: 1024...(64 * 1024 * 1024))

        var templates = MessageTemplates()
        templates.title = compileTemplate(members["title"], path + "title", kind: .text)
        templates.body = compileTemplate(members["body"], path + "body", kind: .text)
        templates.html = compileTemplate(members["html"], path + "html", kind: .html)
        templates.bodyTemplate = compileTemplate(members["bodyTemplate"], path + "bodyTemplate", kind: .json)
        if platform == .webhook, format == "template", templates.bodyTemplate == nil, members["bodyTemplate"] == nil {
            context.error(
                path + "bodyTemplate", "format \"template\" needs a \"bodyTemplate\" (a JSON body with {{variables}})")
        }
        if members["bodyTemplate"] != nil, !(platform == .webhook && format == "template") {
            context.warning(
                path + "bodyTemplate", "\"bodyTemplate\" is only used by webhook receivers with format \"template\"",
                atKey: true)
        }
        return ReceiverConfig(receiver: receiver, missingReferences: [], templates: templates)
    }

    private func loadURL(_ value: JSONTree?, _ path: JSONPath, required: Bool) -> String? {
        guard let value else {
            if required { context.error(path, "missing \"url\"") }
            return nil
        }
        let missingBefore = context.missingReferences.count
        guard let url = context.string(value, path) else { return nil }
        if context.missingReferences.count > missingBefore { return url }  // reported by the reference policy
        // `encodedHost`, not `host`: only its emptiness matters here, and decoding the host runs ICU's IDNA
        // (about 1.3 MB of ICU code and data resident for the daemon's life, for a check that needs none).
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.encodedHost, !host.isEmpty
        else {
            context.error(path, "not an http(s) URL")  // never echo the URL: it may hold a token
            return url
        }
        return url
    }

    private func loadEmail(_ members: [String: JSONTree], _ path: JSONPath) -> EmailSettings? {
        var settings = EmailSettings(url: "", from: "", to: [])
        var ok = true
        if let smtpValue = members["smtp"],
            let smtp = context.object(smtpValue, path + "smtp", allowed: ["url", "username", "password", "requireTLS"])
        {
            if let url = context.string(smtp["url"], path + "smtp" + "url") {
                let scheme = URLComponents(string: url)?.scheme?.lowercased()
                if !url.isEmpty, scheme != "smtp", scheme != "smtps" {
                    context.error(path + "smtp" + "url", "expected smtp://host:587 (STARTTLS) or smtps://host:465")
                }
                settings.url = url
            } else if smtp["url"] == nil {
                context.error(path + "smtp" + "url", "missing \"url\"")
                ok = false
            }
            settings.username = context.string(smtp["username"], path + "smtp" + "username")
            settings.password = context.string(smtp["password"], path + "smtp" + "password")
            settings.requireTLS = context.bool(smtp["requireTLS"], path + "smtp" + "requireTLS")
        } else {
            if members["smtp"] == nil {
                context.error(path + "smtp", "missing \"smtp\": {\"url\": \"smtp://host:587\", …}")
            }
            ok = false
        }
        if let from = context.string(members["from"], path + "from") {
            settings.from = from
        } else if members["from"] == nil {
            context.error(path + "from", "missing \"from\"")
            ok = false
        }
        if let to = context.strings(members["to"], path + "to") {
            if to.isEmpty { context.error(path + "to", "\"to\" needs at least one address") }
            for (index, address) in to.enumerated() where !address.isEmpty && !address.contains("@") {
                context.error(path + "to" + index, "\"\(address)\" is not an email address")
            }
            settings.to = to
        } else if members["to"] == nil {
            context.error(path + "to", "missing \"to\"")
            ok = false
        }
        return ok ? settings : nil
    }

    func compileTemplate(_ value: JSONTree?, _ path: JSONPath, kind: CompiledTemplate.Kind) -> CompiledTemplate? {
        guard let source = context.string(value, path, resolve: false) else { return nil }
        if source.utf8.count > 64 * 1024 {
            context.error(path, "template is \(source.utf8.count) bytes; the limit is 65536")
            return nil
        }
        do {
            return try CompiledTemplate(source, kind: kind)
        } catch {
            context.error(path, "template does not parse: \(error)")
            return nil
        }
    }
}
