import Foundation

/// An `aiosmtpd` server on 127.0.0.1 (`Tests/python/smtp_server.py`) that records accepted mail.
///
/// ```swift
/// let server = try await SMTPTestServer.start(starttls: certificates, auth: ("bot", "pw"))
/// ... send to server.url ...
/// let mail = try await server.waitForMessages(count: 1)[0]
/// server.stop()
/// ```
public final class SMTPTestServer: Sendable {
    /// Where a scripted rejection happens.
    public enum RejectionStage: String, Sendable {
        /// Refuse each `RCPT TO`.
        case recipient = "rcpt"
        /// Refuse the message after `DATA`.
        case data
    }

    /// One accepted message.
    public struct ReceivedMail: Sendable, Decodable {
        /// The envelope sender (`MAIL FROM`), bare.
        public var mailFrom: String
        /// The envelope recipients (`RCPT TO`), bare, in order.
        public var recipients: [String]
        /// The message bytes as received (after SMTP dot-unstuffing).
        public var data: [UInt8]
        /// The AUTH login used, if any.
        public var authLogin: String?

        /// The message decoded as UTF-8 (lossy).
        public var text: String { String(decoding: data, as: UTF8.self) }

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from"
            case recipients = "rcpt_tos"
            case data = "data_b64"
            case authLogin = "auth_login"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mailFrom = try container.decode(String.self, forKey: .mailFrom)
            recipients = try container.decode([String].self, forKey: .recipients)
            let encoded = try container.decode(String.self, forKey: .data)
            data = Array(Data(base64Encoded: encoded) ?? Data())
            authLogin = try container.decodeIfPresent(String.self, forKey: .authLogin)
        }
    }

    private let process: PythonServer
    private let scheme: String

    /// Starts a server.
    /// - Parameters:
    ///   - starttls: offer and require STARTTLS with this leaf certificate. Default none (plain).
    ///   - implicitTLS: speak TLS from the first byte (`smtps://`) with this certificate. Default none.
    ///   - auth: require AUTH and accept only this login. Default none.
    ///   - reject: answer with this code (e.g. 451, 550) at `rejectAt`. Default none.
    ///   - rejectAt: where `reject` applies. Default ``RejectionStage/data``.
    ///   - maildir: also write each message to `<n>.eml` plus a `<n>.json` envelope there. Default none.
    public static func start(
        starttls: TestCertificates? = nil,
        implicitTLS: TestCertificates? = nil,
        auth: (username: String, password: String)? = nil,
        reject: Int? = nil,
        rejectAt: RejectionStage = .data,
        maildir: String? = nil
    ) async throws -> SMTPTestServer {
        var arguments: [String] = []
        if let starttls { arguments += ["--starttls", starttls.certificatePath, starttls.keyPath] }
        if let implicitTLS { arguments += ["--implicit-tls", implicitTLS.certificatePath, implicitTLS.keyPath] }
        if let auth { arguments += ["--auth", "\(auth.username):\(auth.password)"] }
        if let reject { arguments += ["--reject", String(reject), "--reject-at", rejectAt.rawValue] }
        if let maildir { arguments += ["--maildir", maildir] }
        let process = try await PythonServer.start(script: "smtp_server.py", arguments: arguments)
        return SMTPTestServer(process: process, scheme: implicitTLS == nil ? "smtp" : "smtps")
    }

    private init(process: PythonServer, scheme: String) {
        self.process = process
        self.scheme = scheme
    }

    /// The bound port.
    public var port: UInt16 { process.port }

    /// `smtp://127.0.0.1:PORT`, or `smtps://…` with implicit TLS.
    public var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// The messages accepted so far, in order.
    public func messages() throws -> [ReceivedMail] {
        try process.outputLines.map { try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8)) }
    }

    /// Waits until at least `count` messages were accepted and returns them.
    @discardableResult
    public func waitForMessages(count: Int, timeout: Duration = .seconds(10)) async throws -> [ReceivedMail] {
        try await process.waitForOutputLines(count: count, timeout: timeout)
        return try messages()
    }

    /// What the server wrote to stderr (aiosmtpd logs), for failure messages.
    public var log: String { process.errorOutput }

    /// Kills the server.
    public func stop() { process.stop() }
}
