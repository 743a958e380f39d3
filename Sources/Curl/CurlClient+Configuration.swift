extension CurlClient {
    /// Settings shared by every transfer of one client.
    ///
    /// Proxies: libcurl reads `http_proxy`, `https_proxy`, `all_proxy` and `no_proxy` from the
    /// environment itself, and this client never overrides them, so a proxy is configured the usual way.
    public struct Configuration: Sendable {
        /// Limits used where a request leaves its ``Timeout`` fields `nil`.
        /// Default 10 s to connect, 30 s in total.
        public var timeout: Timeout
        /// Path of a PEM bundle of CA certificates to trust instead of the system store. Default `nil`.
        public var caBundlePath: String?
        /// Whether to verify the server's certificate chain and host name. Default `true`;
        /// turn off only for tests, never in production.
        public var verifyPeer: Bool
        /// Most connections kept open to one host (`CURLMOPT_MAX_HOST_CONNECTIONS`); more requests
        /// wait for a free one, and that wait counts towards their total timeout. Default 16.
        public var maxConnectionsPerHost: Int
        /// The `User-Agent` header. Default `tattle`.
        public var userAgent: String
        /// Largest response body accepted; a bigger one fails with `.responseTooLarge`.
        /// Default 16 MiB.
        public var maxResponseBodySize: Int

        /// Makes a configuration; every argument has the default documented on its property.
        public init(
            timeout: Timeout = Timeout(connect: .seconds(10), total: .seconds(30)),
            caBundlePath: String? = nil,
            verifyPeer: Bool = true,
            maxConnectionsPerHost: Int = 16,
            userAgent: String = "tattle",
            maxResponseBodySize: Int = 16 << 20
        ) {
            self.timeout = timeout
            self.caBundlePath = caBundlePath
            self.verifyPeer = verifyPeer
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.userAgent = userAgent
            self.maxResponseBodySize = maxResponseBodySize
        }
    }
}
