import Testing

@testable import Curl

@Suite("Classification of libcurl results")
struct ClassificationTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var curlCode: Int32
        var responseCode: Int?
        var kind: CurlError.TransferKind
        var cancelled = false
        var code: CurlError.Code
        var retryable: Bool
        var testDescription: String { "curl \(curlCode) reply \(responseCode.map(String.init) ?? "-") → \(code)" }
    }

    static let rows: [Row] = [
        Row(curlCode: 6, kind: .http, code: .dns, retryable: true),
        Row(curlCode: 5, kind: .http, code: .dns, retryable: true),
        Row(curlCode: 7, kind: .http, code: .connect, retryable: true),
        Row(curlCode: 28, kind: .http, code: .timeout, retryable: true),
        Row(curlCode: 35, kind: .http, code: .tls, retryable: true),
        Row(curlCode: 60, kind: .http, code: .tls, retryable: false),
        Row(curlCode: 77, kind: .http, code: .tls, retryable: false),
        Row(curlCode: 64, responseCode: 250, kind: .mail, code: .tls, retryable: false),
        Row(curlCode: 42, kind: .http, cancelled: true, code: .cancelled, retryable: false),
        Row(curlCode: 42, kind: .http, code: .cancelled, retryable: false),
        Row(curlCode: 7, kind: .http, cancelled: true, code: .cancelled, retryable: false),
        Row(curlCode: 55, kind: .http, code: .sendRecv, retryable: true),
        Row(curlCode: 56, kind: .http, code: .sendRecv, retryable: true),
        Row(curlCode: 52, kind: .http, code: .sendRecv, retryable: true),
        Row(curlCode: 18, kind: .http, code: .sendRecv, retryable: true),
        Row(curlCode: 1, kind: .http, code: .invalidRequest, retryable: false),
        Row(curlCode: 3, kind: .http, code: .invalidRequest, retryable: false),
        Row(curlCode: 55, responseCode: 451, kind: .mail, code: .smtpRejected, retryable: true),
        Row(curlCode: 55, responseCode: 550, kind: .mail, code: .smtpRejected, retryable: false),
        Row(curlCode: 8, responseCode: 452, kind: .mail, code: .smtpRejected, retryable: true),
        Row(curlCode: 67, responseCode: 535, kind: .mail, code: .smtpRejected, retryable: false),
        Row(curlCode: 67, kind: .mail, code: .smtpRejected, retryable: false),
        Row(curlCode: 56, responseCode: 250, kind: .mail, code: .sendRecv, retryable: true),
        Row(curlCode: 28, responseCode: 451, kind: .mail, code: .timeout, retryable: true),
        Row(curlCode: 55, responseCode: 503, kind: .http, code: .sendRecv, retryable: true),
        Row(curlCode: 99, kind: .http, code: .other, retryable: false),
    ]

    @Test("Each libcurl result maps to a code and a retry decision", arguments: rows)
    func classify(row: Row) {
        let (code, retryable) = CurlError.classify(
            curlCode: row.curlCode, responseCode: row.responseCode, kind: row.kind, wasCancelled: row.cancelled)
        #expect(code == row.code)
        #expect(retryable == row.retryable)
    }

    @Test(
        "Durations become libcurl milliseconds, never 0",
        arguments: [
            (Duration.seconds(10), 10_000), (.milliseconds(1500), 1500), (.microseconds(10), 1), (.zero, 1),
            (.seconds(-3), 1),
        ])
    func milliseconds(duration: Duration, expected: Int) {
        #expect(duration.curlMilliseconds == expected)
    }

    @Test("Response header lookup is case-insensitive and the last value wins")
    func headerLookup() {
        let response = HTTPResponse(
            status: 200, headers: [HTTPHeader("Set-Cookie", "a"), HTTPHeader("set-cookie", "b")], body: Array("é".utf8))
        #expect(response.header("SET-COOKIE") == "b")
        #expect(response.header("missing") == nil)
        #expect(response.bodyText == "é")
    }
}
