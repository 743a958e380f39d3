import Synchronization

/// The last line of defence for secret hygiene: every secret Tattle loads (the API secret key and
/// session token, webhook URLs and their tokens, signing secrets, SMTP passwords) is registered here,
/// and the log handlers replace any occurrence with `[REDACTED]` before a line is written.
///
/// Modules redact at the source (URLs are shown as `scheme://host/…`); this catches what slips through.
public final class SecretScrubber: Sendable {
    /// The process-wide scrubber used by the log handlers.
    public static let shared = SecretScrubber()

    private let secrets = Mutex<[String]>([])

    public init() {}

    /// Registers secrets; strings shorter than 6 characters are ignored (they would redact ordinary words).
    public func register(_ values: some Sequence<String>) {
        let fresh = values.filter { $0.count >= 6 }
        guard !fresh.isEmpty else { return }
        secrets.withLock { list in
            for value in fresh where !list.contains(value) { list.append(value) }
            // Longest first, so a URL is replaced whole before a token inside it.
            list.sort { $0.count > $1.count }
        }
    }

    /// Registers one secret.
    public func register(_ value: String?) {
        if let value { register([value]) }
    }

    /// Returns `text` with every registered secret replaced by `[REDACTED]`.
    public func scrub(_ text: String) -> String {
        let list = secrets.withLock { $0 }
        guard !list.isEmpty else { return text }
        var result = text
        for secret in list where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: "[REDACTED]")
        }
        return result
    }
}

import Foundation
