/// Which tracked invocations a poll observed completely enough that their absence means TAT no
/// longer retains them. A partial poll must never be read as "invocations disappeared", so the
/// watcher states this explicitly and the differ removes nothing else.
public enum RemovalScope: Sendable, Hashable {
    /// Nothing may be removed (the default).
    case none
    /// These ids were asked for explicitly (by `InvocationIds`) and not returned.
    case ids(Set<String>)
    /// The observation is a complete listing: every tracked id not observed is gone.
    case allUnobserved
}
