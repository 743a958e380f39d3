import Foundation

/// What Tattle last knew about an invocation it stopped tracking (it aged out of TAT's retention or
/// vanished from two consecutive looks), kept for a while so that one which reappears is diffed
/// against its last state instead of being reported as new (with a nil `previousStatus` and event
/// ids receivers cannot deduplicate).
public struct Tombstone: Codable, Sendable, Hashable {
    /// The last committed state, tasks included.
    public var state: InvocationState
    /// When the invocation stopped being tracked.
    public var removedAt: Date

    /// The invocation id.
    public var id: String { state.id }

    /// Creates a tombstone for `state`, removed at `removedAt`.
    public init(state: InvocationState, removedAt: Date) {
        self.state = state
        self.removedAt = removedAt
    }
}
