import Crypto

/// Deterministic event ids: a hash of what identifies a change, so that a change detected again
/// (after a crash, a restart or a resync) gets the id it had the first time, and receivers can use it
/// as an idempotency key.
public enum EventID {
    /// `evt_` followed by 32 hex digits of SHA-256 over the type, region, invocation id, task id,
    /// previous and new status, separated by a byte that cannot occur in any of them.
    public static func make(
        type: EventType, region: String, invocationId: String, taskId: String?, previousStatus: String?,
        status: String
    ) -> String {
        hash([type.rawValue, region, invocationId, taskId ?? "", previousStatus ?? "", status])
    }

    /// The id of a named account's event: the same hash over the account's name and the id
    /// ``make(type:region:invocationId:taskId:previousStatus:status:)`` gave it, so two accounts never
    /// share an id. The default account keeps the unscoped ids.
    public static func scoped(_ id: String, account: String) -> String {
        hash([account, id])
    }

    private static func hash(_ parts: [String]) -> String {
        var hasher = SHA256()
        for part in parts {
            hasher.update(data: Array(part.utf8))
            hasher.update(data: [0x1F])
        }
        let digest = hasher.finalize()
        let hex = digest.prefix(16).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
        }
        return "evt_" + hex.joined()
    }
}
