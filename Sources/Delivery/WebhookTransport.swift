import Curl
import Foundation
import Rules
import Secrets
import Timekeeping

/// Posts webhook messages through libcurl, signing at send time, and classifies the answer.
///
/// - `Content-Type: application/json` unless the message sets one.
/// - Timeout: the receiver's `timeoutSeconds`, default 15 s in total; connecting gets at most 10 s.
/// - DingTalk with a secret: `timestamp` (ms) and `sign` appended to the query (``DingTalkSigner``).
/// - Feishu/Lark with a secret: `timestamp` (s) and `sign` set in the JSON body (``FeishuSigner``).
/// - Generic webhooks: `webhook-id` = idempotency key always; `webhook-timestamp` and
///   `webhook-signature` with a `whsec_` secret (``StandardWebhookSigner``).
public struct WebhookTransport: Sendable {
    /// Total time allowed for one attempt when the receiver does not say: 15 s.
    public static let defaultTimeout: Duration = .seconds(15)
    /// Longest connect phase: 10 s (less when the total is shorter).
    public static let connectTimeout: Duration = .seconds(10)

    /// What performs the request: a ``CurlClient`` in production.
    public var client: any HTTPExecuting
    /// The wall clock used for signatures and `Retry-After` dates. Default `Date.init`.
    public var now: @Sendable () -> Date
    /// Each receiver's secrets with its message URL's, kept between sends.
    private let secrets = ReceiverSecrets()

    /// Makes a transport over `client`.
    public init(client: any HTTPExecuting, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.now = now
    }

    /// Sends `message` and classifies the response by the receiver's platform.
    public func send(_ message: WebhookMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification {
        let redactor = secrets.secrets(receiver: receiver, url: message.url)
        let request: HTTPRequest
        do {
            request = try Self.request(for: message, receiver: receiver, idempotencyKey: idempotencyKey, at: now())
        } catch {
            return Classification(.permanent("cannot sign: \(redactor.scrub(String(describing: error)))"))
        }
        do {
            let response = try await client.execute(request)
            return Classifier.classify(platform: message.platform, response: response, now: now(), redactor: redactor)
        } catch let error as CurlError {
            return Classifier.classify(error: error, redactor: redactor)
        } catch {
            return Classification(.transient(redactor.scrub(String(describing: error))))
        }
    }

    /// The request to send at `date`: headers, signature and timeout applied. Pure.
    /// - Throws: ``SigningError`` when the platform's signature cannot be applied.
    public static func request(
        for message: WebhookMessage, receiver: Receiver, idempotencyKey: String, at date: Date
    ) throws -> HTTPRequest {
        var url = message.url
        var body = message.body
        var headers = message.headers.sorted { $0.key < $1.key }.map { HTTPHeader($0.key, $0.value) }
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(HTTPHeader("Content-Type", "application/json"))
        }
        let secret = receiver.secret.flatMap { $0.isEmpty ? nil : $0 }
        switch message.platform {
        case .dingtalk:
            if let secret { url = DingTalkSigner.sign(url: url, secret: secret, at: date) }
        case .feishu, .lark:
            if let secret { body = try FeishuSigner.sign(body: body, secret: secret, at: date) }
        case .wecom, .slack, .teams, .discord:
            break
        default:
            let signed = try StandardWebhookSigner.headers(id: idempotencyKey, body: body, secret: secret, at: date)
            headers.removeAll { $0.name.lowercased().hasPrefix("webhook-") }
            headers.append(contentsOf: signed.map { HTTPHeader($0.0, $0.1) })
        }
        let total = receiver.timeoutSeconds.map { Duration.milliseconds(ofSeconds: max(0.001, $0), rounding: .towardZero) }
            ?? defaultTimeout
        return HTTPRequest(
            method: message.method.isEmpty ? "POST" : message.method, url: url, headers: headers, body: body,
            timeout: Timeout(connect: min(connectTimeout, total), total: total))
    }
}
