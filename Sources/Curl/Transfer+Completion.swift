import CCurl
import Secrets

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
            finish(.failure(error(for: code, responseCode: replyCode(info: status))))
        }
    }

    /// The reply code to report: libcurl's last one, or for SMTP the code of the refusal line when
    /// libcurl's last code is not a refusal.
    private func replyCode(info: Int) -> Int? {
        if kind == .mail, info < 400, let reply = failureReply, let code = Int(reply.prefix(3)) { return code }
        return info == 0 ? nil : info
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
        // Only text from libcurl and the server is scrubbed: the summary and target are ours.
        var message = "\(String(cString: curl_easy_strerror(code))) (\(redactor.target))"
        let details = String(cString: errorBuffer)
        let secrets = redactor.secrets
        if !details.isEmpty { message += ": \(secrets.scrub(details))" }
        if self.kind == .mail, let reply = failureReply {
            message += "; server replied: \(secrets.scrub(reply))"
        }
        return CurlError(
            code: kind, message: message, curlCode: raw, responseCode: responseCode, isRetryable: retryable)
    }
}
