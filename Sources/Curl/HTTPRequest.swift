/// An HTTP(S) request for ``CurlClient/execute(_:)``.
///
/// Redirects are never followed: a `3xx` comes back as the response, which for a webhook is a failure.
public struct HTTPRequest: Sendable {
    /// The method, e.g. `GET` or `POST`. Default `GET`.
    public var method: String
    /// The absolute `http://` or `https://` URL. It may hold credentials (tokens in the query): it never
    /// appears in a ``CurlError`` beyond `scheme://host:port`.
    public var url: String
    /// Header fields sent in order after libcurl's own (`Host`, `User-Agent`, `Content-Length`).
    /// A field with the name of one of those replaces it. A body is sent with no `Content-Type`
    /// unless one is given here (not libcurl's form-urlencoded default). Default none.
    public var headers: [HTTPHeader]
    /// The request body; empty means no body. Default empty.
    public var body: [UInt8]
    /// Per-request limits; `nil` fields fall back to the client's configuration. Default `.init()`.
    public var timeout: Timeout

    /// Makes a request.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        timeout: Timeout = .init()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
