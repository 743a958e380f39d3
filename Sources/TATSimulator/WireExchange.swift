import FlyingFox
import FlyingSocks
import Foundation

/// A received request reduced to what the API looks at: method, path, headers (names lower-cased,
/// values exactly as received) and the body bytes.
struct WireRequest: Sendable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: [UInt8]

    /// Reads a FlyingFox request, body included.
    init(_ request: HTTPRequest) async throws {
        method = request.method.rawValue
        path = request.path
        var headers: [String: String] = [:]
        for key in request.headers.keys {
            headers[key.rawValue.lowercased()] = request.headers[key]
        }
        self.headers = headers
        body = Array(try await request.bodyData)
    }

    init(method: String = "POST", path: String = "/", headers: [String: String], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }
}

/// What the simulator answers: an HTTP status, a content type and a body, possibly cut short.
struct WireResponse: Sendable {
    var status: Int = 200
    var contentType = "application/json"
    var body: [UInt8]
    /// When true the headers announce the whole body but the connection closes halfway through it.
    var truncated = false
    /// The server clock sent in `Date`; nil sends none (a gateway's plain error).
    var date: Date?

    /// The FlyingFox response.
    var http: HTTPResponse {
        let code = HTTPStatusCode(status, phrase: Self.phrases[status] ?? "Error")
        var headers: HTTPHeaders = [.contentType: contentType]
        if let date { headers[HTTPHeader("Date")] = HTTPDate.format(date) }
        guard truncated else { return HTTPResponse(statusCode: code, headers: headers, body: Data(body)) }
        let half = Array(body.prefix(max(body.count / 2, 1)))
        return HTTPResponse(
            statusCode: code, headers: headers,
            body: HTTPBodySequence(from: TruncatedBytes(bytes: half), count: body.count))
    }

    private static let phrases = [
        200: "OK", 404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway",
        503: "Service Unavailable",
    ]

    /// A plain-text HTTP error, as a gateway in front of the API would send.
    static func plain(_ status: Int) -> WireResponse {
        let text = "<html><body><h1>\(status) \(phrases[status] ?? "Error")</h1></body></html>\n"
        return WireResponse(status: status, contentType: "text/html", body: Array(text.utf8))
    }

    /// A body that starts like a normal answer and stops mid-string: not valid JSON.
    static let malformed = WireResponse(
        body: Array(#"{"Response":{"TotalCount":3,"InvocationSet":[{"InvocationId":"inv-"#.utf8))
}

/// The IMF-fixdate form of HTTP `Date` headers (RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

/// Bytes that end in an error instead of the end of the sequence, so FlyingFox closes the connection
/// after sending them: the client sees fewer bytes than `Content-Length` promised.
struct TruncatedBytes: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let bytes: [UInt8]

    struct Cut: Error {}

    struct AsyncIterator: AsyncBufferedIteratorProtocol {
        let bytes: [UInt8]
        var index = 0

        mutating func next() async throws -> UInt8? {
            guard index < bytes.count else { throw Cut() }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func nextBuffer(suggested count: Int) async throws -> ArraySlice<UInt8>? {
            guard index < bytes.count else { throw Cut() }
            let end = Swift.min(index + Swift.max(count, 1), bytes.count)
            defer { index = end }
            return bytes[index..<end]
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(bytes: bytes) }
}
