import Curl

extension HTTPReceiver {
    /// One request as the receiver saw it.
    public struct RecordedRequest: Sendable {
        /// The method, e.g. `POST`.
        public var method: String
        /// Path and query as sent, percent-encoded, e.g. `/cgi-bin/webhook/send?key=abc`.
        public var target: String
        /// The header fields (order among different names is not preserved).
        public var headers: [Curl.HTTPHeader]
        /// The body bytes.
        public var body: [UInt8]
        /// The client's TCP port: requests on one kept-alive connection share it.
        public var remotePort: UInt16?

        /// The path without the query.
        public var path: String { String(target.prefix { $0 != "?" }) }

        /// The raw query string without `?`, or `nil`.
        public var query: String? {
            guard let mark = target.firstIndex(of: "?") else { return nil }
            return String(target[target.index(after: mark)...])
        }

        /// The body decoded as UTF-8 (lossy).
        public var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// The last value of the header named `name`, compared case-insensitively.
        public func header(_ name: String) -> String? {
            headers.last { $0.name.lowercased() == name.lowercased() }?.value
        }
    }
}
