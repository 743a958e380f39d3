import Curl
import Foundation
import Rules

/// The production ``Transport``: webhooks through ``WebhookTransport``, mail through
/// ``MailTransport``, both over one ``CurlClient``.
public struct CurlTransport: Transport {
    /// The webhook half.
    public var webhook: WebhookTransport
    /// The mail half.
    public var mail: MailTransport

    /// A transport over `client` (HTTP and SMTP), signing with the time from `now` (default `Date.init`).
    public init(client: CurlClient, now: @escaping @Sendable () -> Date = { Date() }) {
        self.webhook = WebhookTransport(client: client, now: now)
        self.mail = MailTransport(client: client, now: now)
    }

    /// A transport from separate halves (tests inject fakes).
    public init(webhook: WebhookTransport, mail: MailTransport) {
        self.webhook = webhook
        self.mail = mail
    }

    public func send(_ message: RenderedMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification {
        switch message {
        case .webhook(let webhookMessage):
            await webhook.send(webhookMessage, to: receiver, idempotencyKey: idempotencyKey)
        case .email(let emailMessage):
            await mail.send(emailMessage, to: receiver, idempotencyKey: idempotencyKey)
        }
    }
}
