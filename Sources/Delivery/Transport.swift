import Rules

/// Sends one rendered message to one receiver and judges the result.
///
/// A transport never throws: every failure is a ``Classification`` (transient, rate limited or
/// permanent), because the notifier — not the retry loop — knows whether a failure is retryable.
/// Excerpts and reasons it returns are already scrubbed of the receiver's secrets.
public protocol Transport: Sendable {
    /// Sends `message` to `receiver`. `idempotencyKey` is stable across retries of the same delivery
    /// (the webhook `webhook-id`, the mail `Message-ID`).
    func send(_ message: RenderedMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification
}
