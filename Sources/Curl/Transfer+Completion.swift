import CCurl

extension Transfer {
    /// Finishes the transfer with libcurl's result; loop thread, after the handle left the multi handle.
    func complete(with code: CURLcode) {
        var status = 0
        _ = tattle_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK {
            var outcome = result
            outcome.status = status
            finish(.success(outcome))
        } else {
            finish(.failure(error(for: code, responseCode: status == 0 ? nil : status)))
        }
    }

    /// Finishes the transfer as cancelled.
    func completeCancelled() {
        finish(.failure(.cancelled(redactor.target)))
    }

    /// The error for a failed transfer, its message scrubbed of credentials.
    func error(for code: CURLcode, responseCode: Int?) -> CurlError {
        let raw = Int32(bitPattern: code.rawValue)
        if bodyTooLarge {
            return CurlError(
                code: .responseTooLarge,
                message: "Response body larger than the configured limit (\(redactor.target))",
                curlCode: raw, responseCode: responseCode, isRetryable: false)
        }
        let (kind, retryable) = CurlError.classify(
            curlCode: raw, responseCode: responseCode, kind: self.kind, wasCancelled: isCancelled)
        var message = "\(String(cString: curl_easy_strerror(code))) (\(redactor.target))"
        let details = String(cString: errorBuffer)
        if !details.isEmpty { message += ": \(details)" }
        if self.kind == .mail, let reply = result.lastReply, responseCode != nil {
            message += "; last server reply: \(reply)"
        }
        return CurlError(
            code: kind, message: redactor.scrub(message), curlCode: raw, responseCode: responseCode,
            isRetryable: retryable)
    }
}
