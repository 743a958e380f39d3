import Crypto
import TencentCloud

/// TC3 verification for signed-header sets beyond the two the shared `TC3Signer` produces, e.g. a
/// teco-style client that signs every header: the canonical headers are the listed headers, names and
/// values lower-cased and trimmed, in the order `SignedHeaders` lists them. Key derivation and hex come
/// from the shared signer (`TC3Signer.signingKeys`, `TC3Signer.hex`).
enum CanonicalRequest {
    /// The signature a client holding `secretKey` computes for the received request.
    /// Returns nil when a listed header is missing or `content-type`/`host` is not listed (both required).
    static func signature(
        secretKey: String, service: String, signedHeaders: [String], headers: [String: String],
        timestamp: Int64, date: String, payload: [UInt8]
    ) -> String? {
        guard signedHeaders.contains("content-type"), signedHeaders.contains("host") else { return nil }
        var canonicalHeaders = ""
        for name in signedHeaders {
            guard let value = headers[name] else { return nil }
            canonicalHeaders += "\(name):\(value.trimmingSpaces().lowercased())\n"
        }
        let hashedPayload = TC3Signer.hex(SHA256.hash(data: payload))
        let canonical =
            "POST\n/\n\n\(canonicalHeaders)\n\(signedHeaders.joined(separator: ";"))\n\(hashedPayload)"
        let stringToSign =
            "\(TC3Signer.algorithm)\n\(timestamp)\n\(date)/\(service)/tc3_request\n"
            + TC3Signer.hex(SHA256.hash(data: Array(canonical.utf8)))
        let keys = TC3Signer.signingKeys(secretKey: secretKey, date: date, service: service)
        let code = HMAC<SHA256>.authenticationCode(
            for: Array(stringToSign.utf8), using: SymmetricKey(data: keys.signing))
        return TC3Signer.hex(code)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
