import Events

/// Where a successful poll cycle goes. The sink commits the diff durably (snapshot advance and every
/// notification derived from it, in one transaction); the watcher advances its in-memory snapshot
/// only after `commit` returned. Throwing fails the cycle: nothing is applied and the same change is
/// detected again, with the same event ids, on the next cycle.
public protocol CycleSink: Sendable {
    /// Commits one cycle of `region`. `baseline` is true for the first listing of a region, which must
    /// be committed with `markBaselined: true`.
    func commit(region: String, diff: Diff, baseline: Bool) async throws
}

/// A sink made of a closure, for callers that need nothing more.
public struct ClosureSink: CycleSink {
    let body: @Sendable (String, Diff, Bool) async throws -> Void

    /// Wraps `body(region, diff, baseline)`.
    public init(_ body: @escaping @Sendable (String, Diff, Bool) async throws -> Void) { self.body = body }

    public func commit(region: String, diff: Diff, baseline: Bool) async throws {
        try await body(region, diff, baseline)
    }
}
