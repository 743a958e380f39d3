import Foundation

/// An HTTPS server on 127.0.0.1 (`Tests/python/tls_http_server.py`) answering 200 "ok",
/// with a certificate from ``TestCertificates``.
public final class TLSHTTPTestServer: Sendable {
    private let process: PythonServer

    /// Starts the server with the leaf certificate of `certificates`.
    public static func start(certificates: TestCertificates) async throws -> TLSHTTPTestServer {
        TLSHTTPTestServer(
            process: try await PythonServer.start(
                script: "tls_http_server.py", arguments: [certificates.certificatePath, certificates.keyPath]))
    }

    private init(process: PythonServer) { self.process = process }

    /// `https://127.0.0.1:PORT`.
    public var url: String { "https://127.0.0.1:\(process.port)" }

    /// `https://localhost:PORT`.
    public var localhostURL: String { "https://localhost:\(process.port)" }

    /// Kills the server.
    public func stop() { process.stop() }
}
