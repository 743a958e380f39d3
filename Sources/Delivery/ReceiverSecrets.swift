import Rules
import Secrets
import Synchronization

/// The secret sets a receiver's deliveries are scrubbed with, built when the receiver (or what is
/// merged in) changes rather than for every delivery: ``SecretSet/init(receivers:)`` parses URLs.
final class ReceiverSecrets: Sendable {
    /// What is merged with the receiver's own secrets.
    private enum Addition: Hashable {
        /// Nothing: the receiver's own secrets alone.
        case none
        /// A whole set (the dispatcher's: every configured receiver's).
        case set(SecretSet)
        /// The credential parts of a URL (a message's target).
        case url(String)
    }

    private struct Entry {
        var receiver: Receiver
        var addition: Addition
        var merged: SecretSet
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// The secrets of `receiver` (its URL's credential parts, signing secret, SMTP password).
    func secrets(of receiver: Receiver) -> SecretSet {
        merged(receiver, .none) { SecretSet(receivers: [receiver]) }
    }

    /// `base` plus the secrets of `receiver`.
    func secrets(base: SecretSet, receiver: Receiver) -> SecretSet {
        merged(receiver, .set(base)) { base.merging(SecretSet(receivers: [receiver])) }
    }

    /// The secrets of `receiver` plus the credential parts of `url`.
    func secrets(receiver: Receiver, url: String) -> SecretSet {
        merged(receiver, .url(url)) { SecretSet(receivers: [receiver]).merging(SecretSet(urls: [url])) }
    }

    private func merged(_ receiver: Receiver, _ addition: Addition, make: () -> SecretSet) -> SecretSet {
        if let entry = entries.withLock({ $0[receiver.name] }), entry.receiver == receiver, entry.addition == addition {
            return entry.merged
        }
        let merged = make()
        entries.withLock { $0[receiver.name] = Entry(receiver: receiver, addition: addition, merged: merged) }
        return merged
    }
}
