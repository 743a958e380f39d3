import Foundation

/// The identity of one `tattle run` process in the shared database.
public enum ReplicaID {
    /// `<host>-<pid>-<random>`: readable on the status page and unique per process, so a restarted
    /// process (same host name, even same pid in a new container) never inherits the leases of the
    /// one it replaces; those lapse or are taken over under a new fencing term. The host name is cut
    /// to 40 characters and stripped of anything outside `[A-Za-z0-9._-]`.
    public static func make(
        host: String = ProcessInfo.processInfo.hostName, pid: Int32 = ProcessInfo.processInfo.processIdentifier,
        suffix: String = randomSuffix()
    ) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let cleaned = String(host.filter { allowed.contains($0) }.prefix(40))
        return "\(cleaned.isEmpty ? "tattle" : cleaned)-\(pid)-\(suffix)"
    }

    /// Six random lower-case letters and digits.
    public static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }
}
