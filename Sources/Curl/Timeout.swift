/// Time limits for one transfer. A `nil` field falls back to the client's
/// ``CurlClient/Configuration/timeout``, whose defaults are 10 s to connect and 30 s in total.
public struct Timeout: Sendable, Hashable {
    /// Limit for name resolution plus TCP connect plus TLS handshake. Default `nil` (use the client's).
    public var connect: Duration?
    /// Limit for the whole transfer, connect included. Default `nil` (use the client's).
    public var total: Duration?

    /// Makes a timeout; omitted fields fall back to the client's configuration.
    public init(connect: Duration? = nil, total: Duration? = nil) {
        self.connect = connect
        self.total = total
    }

    /// This timeout with its `nil` fields taken from `fallback`.
    public func resolved(against fallback: Timeout) -> Timeout {
        Timeout(connect: connect ?? fallback.connect, total: total ?? fallback.total)
    }
}

extension Duration {
    /// The duration in whole milliseconds as libcurl takes it, at least 1 (libcurl reads 0 as "no limit").
    var curlMilliseconds: Int {
        guard self > .zero else { return 1 }
        let (seconds, attoseconds) = components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        return max(1, Int(clamping: millis + attoseconds / 1_000_000_000_000_000))
    }
}
