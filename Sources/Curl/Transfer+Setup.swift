import CCurl

extension Transfer {
    /// A configured transfer for an HTTP(S) request. Redirects are not followed.
    static func http(_ request: HTTPRequest, configuration: CurlClient.Configuration) throws(CurlError) -> Transfer {
        let redactor = Redactor(url: request.url)
        let method = request.method.uppercased()
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "_" }) else {
            throw .invalidRequest("Invalid HTTP method (\(redactor.target))")
        }
        for header in request.headers where !isSafeHeader(header) {
            throw .invalidRequest("Invalid header field \(header.name.debugDescription) (\(redactor.target))")
        }
        let transfer = try Transfer(
            kind: .http, redactor: redactor, upload: [], maxBodySize: configuration.maxResponseBodySize)
        try transfer.applyCommon(
            url: request.url, protocols: "http,https", timeout: request.timeout,
            configuration: configuration)
        try transfer.set(CURLOPT_FOLLOWLOCATION, 0)
        try transfer.set(CURLOPT_USERAGENT, configuration.userAgent)
        try transfer.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl can decode

        var sendsBody = false
        switch (method, request.body.isEmpty) {
        case ("GET", true):
            try transfer.set(CURLOPT_HTTPGET, 1)
        case ("HEAD", true):
            try transfer.set(CURLOPT_NOBODY, 1)
        case (_, false), ("POST", true):
            sendsBody = true
            try transfer.check(
                tattle_setopt_off_t(transfer.easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            // COPYPOSTFIELDS copies POSTFIELDSIZE bytes now, so libcurl can resend them on a retry.
            let copied = request.body.withUnsafeBytes { bytes in
                let base = bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) }
                return tattle_setopt_pointer(transfer.easy, CURLOPT_COPYPOSTFIELDS, base ?? transfer.userdata)
            }
            try transfer.check(copied)
            if method != "POST" { try transfer.set(CURLOPT_CUSTOMREQUEST, method) }
        default:
            try transfer.set(CURLOPT_CUSTOMREQUEST, method)
        }

        // An empty `Expect:` stops libcurl waiting for `100 Continue` before sending larger bodies.
        var lines = ["Expect:"]
        // Without a caller's Content-Type, send none rather than libcurl's form-urlencoded default.
        if sendsBody, !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            lines.append("Content-Type:")
        }
        for header in request.headers {
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        try transfer.set(CURLOPT_HTTPHEADER, list: lines)
        return transfer
    }

    /// A configured transfer for one SMTP message.
    static func mail(_ mail: MailRequest, configuration: CurlClient.Configuration) throws(CurlError) -> Transfer {
        let redactor = Redactor(url: mail.url, extraSecrets: [mail.password])
        guard !mail.recipients.isEmpty else {
            throw .invalidRequest("A message needs at least one recipient (\(redactor.target))")
        }
        for address in [mail.from] + mail.recipients where !isSafeAddress(address) {
            throw .invalidRequest("Invalid mail address \(address.debugDescription) (\(redactor.target))")
        }
        let transfer = try Transfer(
            kind: .mail, redactor: redactor, upload: mail.message, maxBodySize: configuration.maxResponseBodySize)
        try transfer.applyCommon(
            url: mail.url, protocols: "smtp,smtps", timeout: mail.timeout,
            configuration: configuration)
        try transfer.set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
        try transfer.set(CURLOPT_MAIL_RCPT, list: mail.recipients.map { "<\($0)>" })
        try transfer.set(CURLOPT_UPLOAD, 1)
        try transfer.check(tattle_setopt_off_t(transfer.easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(mail.message.count)))
        try transfer.check(
            tattle_setopt_read_function(transfer.easy) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.sendUpload(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            })
        try transfer.check(tattle_setopt_pointer(transfer.easy, CURLOPT_READDATA, transfer.userdata))
        let useSSL: curl_usessl
        switch mail.tls {
        case .required: useSSL = CURLUSESSL_ALL
        case .opportunistic: useSSL = CURLUSESSL_TRY
        case .none: useSSL = CURLUSESSL_NONE
        }
        try transfer.set(CURLOPT_USE_SSL, Int(useSSL.rawValue))
        if let username = mail.username { try transfer.set(CURLOPT_USERNAME, username) }
        if let password = mail.password { try transfer.set(CURLOPT_PASSWORD, password) }
        return transfer
    }

    /// The unretained pointer to this box that callbacks receive. The loop keeps the box alive.
    var userdata: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Options every transfer shares: URL, protocols, timeouts, TLS, signals, callbacks.
    private func applyCommon(
        url: String, protocols: String, timeout: Timeout, configuration: CurlClient.Configuration
    ) throws(CurlError) {
        try set(CURLOPT_URL, url)
        try set(CURLOPT_PROTOCOLS_STR, protocols)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try check(tattle_setopt_pointer(easy, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        let limits = timeout.resolved(against: configuration.timeout)
        if let connect = limits.connect { try set(CURLOPT_CONNECTTIMEOUT_MS, connect.curlMilliseconds) }
        if let total = limits.total { try set(CURLOPT_TIMEOUT_MS, total.curlMilliseconds) }
        try set(CURLOPT_SSL_VERIFYPEER, configuration.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, configuration.verifyPeer ? 2 : 0)
        if let path = configuration.caBundlePath { try set(CURLOPT_CAINFO, path) }
        // No CURLOPT_PROXY: libcurl then honours http_proxy / https_proxy / no_proxy itself.

        try check(
            tattle_setopt_write_function(easy) { data, size, count, userdata in
                guard let data, let userdata else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        try check(tattle_setopt_pointer(easy, CURLOPT_WRITEDATA, userdata))
        try check(
            tattle_setopt_header_function(easy) { data, size, count, userdata in
                guard let data, let userdata else { return 0 }
                let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
                return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            })
        try check(tattle_setopt_pointer(easy, CURLOPT_HEADERDATA, userdata))
        // The progress callback is how a cancelled task stops a transfer libcurl is in the middle of.
        try set(CURLOPT_NOPROGRESS, 0)
        try check(
            tattle_setopt_xferinfo_function(easy) { userdata, _, _, _, _ in
                guard let userdata else { return 0 }
                return Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue().isCancelled ? 1 : 0
            })
        try check(tattle_setopt_pointer(easy, CURLOPT_XFERINFODATA, userdata))
    }

    private func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(tattle_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(tattle_setopt_string(easy, option, value))  // libcurl copies strings
    }

    private func set(_ option: CURLoption, list values: [String]) throws(CurlError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for value in values {
            guard let appended = curl_slist_append(list, value) else {
                if let list { curl_slist_free_all(list) }
                throw CurlError(code: .other, message: "Out of memory building a list", isRetryable: true)
            }
            list = appended
        }
        guard let list else { return }
        lists.append(list)
        try check(tattle_setopt_slist(easy, option, list))
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code != CURLE_OK else { return }
        let text = String(cString: curl_easy_strerror(code))
        throw CurlError(
            code: .invalidRequest, message: "\(text) (\(redactor.target))", curlCode: Int32(code.rawValue),
            isRetryable: false)
    }

    private static func isSafeHeader(_ header: HTTPHeader) -> Bool {
        let badName: (Character) -> Bool = { $0 == ":" || $0.isWhitespace || $0.isNewline }
        return !header.name.isEmpty && !header.name.contains(where: badName)
            && !header.value.contains(where: \.isNewline)
    }

    private static func isSafeAddress(_ address: String) -> Bool {
        !address.isEmpty && !address.contains { $0.isNewline || $0 == "<" || $0 == ">" || $0.isWhitespace }
    }
}
