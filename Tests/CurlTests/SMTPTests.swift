import Curl
import Foundation
import TestSupport
import Testing

@Suite("SMTP through libcurl against aiosmtpd", .timeLimit(.minutes(1)))
struct SMTPTests {
    private static let message = Array(
        """
        From: Tattle <tattle@example.com>\r
        To: Ops <ops@example.com>\r
        Subject: TAT invocation inv-123 FAILED\r
        Message-ID: <evt-1@tattle>\r
        \r
        Task on ins-1 failed with exit code 2.\r
        .leading dot line\r
        last line\r

        """.utf8)

    private func mail(_ url: String, tls: MailTLS, username: String? = nil, password: String? = nil) -> MailRequest {
        MailRequest(
            url: url, username: username, password: password, from: "tattle@example.com",
            recipients: ["ops@example.com", "oncall@example.com"], message: Self.message, tls: tls)
    }

    private func failure(_ mail: MailRequest, client: CurlClient) async throws -> CurlError {
        do {
            let response = try await client.send(mail)
            Issue.record("expected a CurlError, got \(response.code)")
            throw TestSupportError("no error")
        } catch let error as CurlError {
            return error
        }
    }

    @Test("Plain SMTP delivers the exact bytes with the right envelope")
    func plainDelivery() async throws {
        let maildir = try TemporaryDirectory.make(prefix: "maildir")
        let server = try await SMTPTestServer.start(maildir: maildir)
        defer { server.stop() }
        let client = CurlClient()
        defer { client.shutdown() }

        let response = try await client.send(mail(server.url, tls: .none))
        let received = try #require(try await server.waitForMessages(count: 1).first)

        #expect(response.code == 250)
        #expect(response.message?.contains("accepted") == true)
        #expect(received.mailFrom == "tattle@example.com")
        #expect(received.recipients == ["ops@example.com", "oncall@example.com"])
        #expect(received.data == Self.message)
        #expect(received.authLogin == nil)
        let stored = try Data(contentsOf: URL(fileURLWithPath: maildir + "/1.eml"))
        #expect(Array(stored) == Self.message)
    }

    @Test("STARTTLS with AUTH works when the client trusts the CA")
    func starttlsWithAuth() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "smtp"))
        let server = try await SMTPTestServer.start(starttls: certificates, auth: ("bot", "s3cret-pw"))
        defer { server.stop() }
        let client = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { client.shutdown() }

        let response = try await client.send(mail(server.url, tls: .required, username: "bot", password: "s3cret-pw"))
        let received = try #require(try await server.waitForMessages(count: 1).first)

        #expect(response.code == 250)
        #expect(received.authLogin == "bot")
        #expect(received.recipients.count == 2)
    }

    @Test("A wrong password is a non-retryable rejection that never shows the password")
    func wrongPassword() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "smtp"))
        let server = try await SMTPTestServer.start(starttls: certificates, auth: ("bot", "right-pw"))
        defer { server.stop() }
        let client = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { client.shutdown() }

        let error = try await failure(
            mail(server.url, tls: .required, username: "bot", password: "wrong-pw-XYZ"), client: client)

        #expect(error.code == .smtpRejected)
        #expect(!error.isRetryable)
        #expect(!error.message.contains("wrong-pw-XYZ"))
        #expect(try server.messages().isEmpty)
    }

    @Test("Implicit TLS (smtps) delivers")
    func implicitTLS() async throws {
        let certificates = try TestCertificates.make(in: try TemporaryDirectory.make(prefix: "smtp"))
        let server = try await SMTPTestServer.start(implicitTLS: certificates)
        defer { server.stop() }
        let client = CurlClient(configuration: .init(caBundlePath: certificates.caPath))
        defer { client.shutdown() }

        let response = try await client.send(mail(server.url, tls: .required))
        let received = try await server.waitForMessages(count: 1)

        #expect(server.url.hasPrefix("smtps://"))
        #expect(response.code == 250)
        #expect(received.first?.data == Self.message)
    }

    @Test("Requiring STARTTLS from a plain server fails with a tls error (curl 64)")
    func starttlsRequiredButMissing() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(mail(server.url, tls: .required, password: "pw-NEVER"), client: client)

        #expect(error.code == .tls)
        #expect(error.curlCode == 64)
        #expect(!error.isRetryable)
        #expect(!error.message.contains("pw-NEVER"))
        #expect(try server.messages().isEmpty)
    }

    @Test("Opportunistic TLS falls back to plain against a plain server")
    func opportunisticFallsBack() async throws {
        let server = try await SMTPTestServer.start()
        defer { server.stop() }
        let client = CurlClient()
        defer { client.shutdown() }

        let response = try await client.send(mail(server.url, tls: .opportunistic))

        #expect(response.code == 250)
        #expect(try await server.waitForMessages(count: 1).count == 1)
    }

    @Test(
        "Rejections carry the reply code; 4xx is retryable, 5xx is not",
        arguments: [
            (451, SMTPTestServer.RejectionStage.data, true),
            (550, SMTPTestServer.RejectionStage.data, false),
            (451, SMTPTestServer.RejectionStage.recipient, true),
            (550, SMTPTestServer.RejectionStage.recipient, false),
        ])
    func rejection(code: Int, stage: SMTPTestServer.RejectionStage, retryable: Bool) async throws {
        let server = try await SMTPTestServer.start(reject: code, rejectAt: stage)
        defer { server.stop() }
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(mail(server.url, tls: .none), client: client)

        #expect(error.code == .smtpRejected)
        #expect(error.responseCode == code)
        #expect(error.isRetryable == retryable)
        #expect(error.message.contains(String(code)))
    }

    @Test("A closed SMTP port is a retryable connect error")
    func closedPort() async throws {
        let client = CurlClient()
        defer { client.shutdown() }

        let error = try await failure(mail("smtp://127.0.0.1:\(try FreePort.pick())", tls: .none), client: client)

        #expect(error.code == .connect)
        #expect(error.isRetryable)
    }
}
