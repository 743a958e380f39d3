import Curl
import Foundation
import Rules
import Secrets
import Timekeeping

/// Sends mail through libcurl's SMTP and classifies the server's answer.
///
/// - STARTTLS is required on `smtp://` unless `EmailSettings.requireTLS` says otherwise; its default
///   is true except to a loopback host (127.0.0.0/8, `::1`, `localhost`), where TLS is opportunistic.
///   `smtps://` always uses implicit TLS.
/// - AUTH when a username is set; every recipient of the receiver gets the message.
/// - SMTP `4xx` is transient, `5xx` permanent.
/// - Timeout: the receiver's `timeoutSeconds`, default 30 s (SMTP dialogues take several round trips).
public struct MailTransport: Sendable {
    /// Total time allowed for one message when the receiver does not say: 30 s.
    public static let defaultTimeout: Duration = .seconds(30)

    /// What talks SMTP: a ``CurlClient`` in production.
    public var client: any MailSending
    /// The wall clock for the `Date` header. Default `Date.init`.
    public var now: @Sendable () -> Date
    /// Each receiver's secrets, kept between sends.
    private let secrets = ReceiverSecrets()

    /// Makes a transport over `client`.
    public init(client: any MailSending, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.now = now
    }

    /// Sends `message` to the receiver's recipients.
    public func send(_ message: EmailMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification {
        let redactor = secrets.secrets(of: receiver)
        guard let settings = receiver.email else {
            return Classification(.permanent("receiver \(receiver.name) has no email settings"))
        }
        guard !settings.to.isEmpty else { return Classification(.permanent("no recipients")) }
        do {
            let response = try await client.send(Self.request(for: message, settings: settings,
                idempotencyKey: idempotencyKey, timeoutSeconds: receiver.timeoutSeconds, date: now()))
            if (200..<300).contains(response.code) || response.code == 0 { return Classification(.delivered) }
            let reply = redactor.scrub(response.message ?? "")
            let outcome: Outcome =
                (400..<500).contains(response.code)
                ? .transient("SMTP \(response.code)") : .permanent("SMTP \(response.code)")
            return Classification(outcome, responseExcerpt: reply)
        } catch let error as CurlError {
            return Classifier.classify(error: error, redactor: redactor)
        } catch {
            return Classification(.transient(redactor.scrub(String(describing: error))))
        }
    }

    /// The mail request for `message`. Pure.
    public static func request(
        for message: EmailMessage, settings: EmailSettings, idempotencyKey: String, timeoutSeconds: Double?,
        date: Date
    ) -> MailRequest {
        let bytes = MailComposer.compose(
            message, from: settings.from, to: settings.to, idempotencyKey: idempotencyKey, date: date)
        let total = timeoutSeconds.map { Duration.milliseconds(ofSeconds: max(0.001, $0), rounding: .towardZero) }
            ?? defaultTimeout
        return MailRequest(
            url: settings.url, username: settings.username.flatMap { $0.isEmpty ? nil : $0 },
            password: settings.password, from: MailComposer.bareAddress(settings.from),
            recipients: settings.to.map(MailComposer.bareAddress), message: bytes, tls: tlsPolicy(settings),
            timeout: Timeout(connect: min(.seconds(10), total), total: total))
    }

    /// `.required` unless `requireTLS` is false or unset with a loopback host (then `.opportunistic`).
    public static func tlsPolicy(_ settings: EmailSettings) -> MailTLS {
        let required = settings.requireTLS ?? !isLoopback(url: settings.url)
        return required ? .required : .opportunistic
    }

    /// Whether the URL's host is loopback: `localhost`, 127.0.0.0/8 or `::1`.
    public static func isLoopback(url: String) -> Bool {
        guard var host = URLComponents(string: url)?.host?.lowercased() else { return false }
        if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host.hasSuffix(".localhost") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
