import Secrets
import Synchronization

/// The last line of defence for secret hygiene: every secret Tattle loads (the API secret key and
/// session token, and each rules load's ``Rules/RulesEngine/secrets``: webhook URLs and their tokens,
/// signing secrets, SMTP passwords) is registered here, and the log handlers scrub every line through
/// the one ``SecretSet`` before it is written.
///
/// Modules redact at the source (URLs are shown as `scheme://host/…`); this catches what slips through.
public final class SecretScrubber: Sendable {
    /// The process-wide scrubber used by the log handlers.
    public static let shared = SecretScrubber()

    private let secrets = Mutex(SecretSet())

    public init() {}

    /// Adds every secret of `set`, e.g. a rules load's secrets. Secrets of earlier loads stay.
    public func register(_ set: SecretSet) {
        secrets.withLock { $0 = $0.merging(set) }
    }

    /// Registers secrets; strings shorter than 6 characters are ignored (they would redact ordinary words).
    public func register(_ values: some Sequence<String>) {
        register(SecretSet(secrets: values.filter { $0.count >= 6 }))
    }

    /// Registers one secret.
    public func register(_ value: String?) {
        if let value { register([value]) }
    }

    /// Returns `text` with every registered secret replaced by ``SecretSet/placeholder``.
    public func scrub(_ text: String) -> String {
        secrets.withLock { $0 }.scrub(text)
    }
}
