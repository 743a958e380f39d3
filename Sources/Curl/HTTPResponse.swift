/// The final response to an ``HTTPRequest``: any status, including `3xx`, `4xx` and `5xx`.
/// Interim responses (`100 Continue`) are not included.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// The header fields in the order received.
    public var headers: [HTTPHeader]
    /// The body bytes, decoded from any content encoding libcurl negotiated.
    public var body: [UInt8]

    /// Makes a response (for fakes and tests; ``CurlClient`` builds the real ones).
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the header named `name`, compared case-insensitively; the last one wins.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name.lowercased() == wanted }?.value
    }

    /// The body as text, with invalid UTF-8 replaced by U+FFFD.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the status is `2xx`.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
