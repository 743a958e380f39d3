import Curl
import Foundation
import TestSupport
import Testing

@Suite("TLS verification against a loopback HTTPS server", .timeLimit(.minutes(1)))
struct TLSTests {
    @Test("A server signed by the test CA is accepted with caBundlePath, by IP and by name")
    func trustedWithBundle() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "tls"))
        let server = try await TLSHTTPTestServer.start(certificates: certificates)
        defer { server.stop() }
        let client = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { client.shutdown() }

        for url in [server.url, server.localhostURL] {
            let response = try await client.execute(HTTPRequest(url: url + "/health"))
            #expect(response.status == 200)
            #expect(response.bodyText == "ok")
        }
    }

    @Test("Without the test CA the same server is refused with a non-retryable tls error")
    func rejectedWithoutBundle() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "tls"))
        let server = try await TLSHTTPTestServer.start(certificates: certificates)
        defer { server.stop() }
        let client = CurlClient()
        defer { client.shutdown() }

        do {
            _ = try await client.execute(HTTPRequest(url: server.url + "/health?token=SECRET"))
            Issue.record("an untrusted certificate was accepted")
        } catch let error as CurlError {
            #expect(error.code == .tls)
            #expect(!error.isRetryable)
            #expect(error.curlCode == 60)
            #expect(!error.message.contains("SECRET"))
        }
    }

    @Test("verifyPeer false accepts the untrusted server (test-only setting)")
    func verificationOff() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "tls"))
        let server = try await TLSHTTPTestServer.start(certificates: certificates)
        defer { server.stop() }
        let client = CurlClient(configuration: .init(verifyPeer: false))
        defer { client.shutdown() }

        let response = try await client.execute(HTTPRequest(method: "POST", url: server.url, body: Array("x".utf8)))

        #expect(response.status == 200)
    }
}
