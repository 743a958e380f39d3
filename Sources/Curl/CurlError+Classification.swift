import CCurl

extension CurlError {
    /// What protocol a failed transfer spoke; SMTP reply codes change the classification.
    enum TransferKind: Sendable {
        case http
        case mail
    }

    /// Classifies a libcurl result into a ``Code`` and whether it is worth retrying.
    ///
    /// A pure function of its inputs, so the table is unit-tested without sockets.
    /// - Parameters:
    ///   - curlCode: the raw `CURLcode`.
    ///   - responseCode: the last HTTP status or SMTP reply code, if any was received.
    ///   - kind: HTTP or SMTP.
    ///   - wasCancelled: whether the caller cancelled the transfer.
    static func classify(
        curlCode: Int32, responseCode: Int?, kind: TransferKind, wasCancelled: Bool
    ) -> (code: Code, isRetryable: Bool) {
        if wasCancelled { return (.cancelled, false) }
        switch CURLcode(UInt32(bitPattern: curlCode)) {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return (.dns, true)
        case CURLE_COULDNT_CONNECT:
            return (.connect, true)
        case CURLE_OPERATION_TIMEDOUT:
            return (.timeout, true)
        case CURLE_SSL_CONNECT_ERROR:
            // A handshake cut short is often a transient network or server problem.
            return (.tls, true)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_SHUTDOWN_FAILED:
            return (.tls, false)
        case CURLE_ABORTED_BY_CALLBACK:
            return (.cancelled, false)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_NOT_BUILT_IN:
            return (.invalidRequest, false)
        default:
            break
        }
        if kind == .mail, let reply = responseCode, (400..<600).contains(reply) {
            return (.smtpRejected, reply < 500)
        }
        switch CURLcode(UInt32(bitPattern: curlCode)) {
        case CURLE_LOGIN_DENIED:
            return (.smtpRejected, false)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return (.sendRecv, true)
        default:
            return (.other, false)
        }
    }
}
