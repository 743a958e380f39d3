import Foundation
import Synchronization

/// The current rules, swapped atomically on reload. A bad file keeps the last good rules.
public final class RulesHolder: Sendable {
    private let state: Mutex<RulesEngine>
    private let resolver: any ReferenceResolver

    /// Starts with `engine` (e.g. from a successful ``RuleSet/load(data:resolver:references:)``).
    public init(engine: RulesEngine, resolver: any ReferenceResolver = ProcessReferenceResolver()) {
        self.state = Mutex(engine)
        self.resolver = resolver
    }

    /// The engine in use now; keep the value for a whole evaluation so a reload cannot change rules mid-way.
    public var current: RulesEngine { state.withLock { $0 } }

    /// Validates `data` completely (references must resolve for used receivers) and, if it has no
    /// errors, swaps it in.
    public func reload(data: Data) -> ReloadOutcome {
        let (ruleSet, diagnostics) = RuleSet.load(data: data, resolver: resolver, references: .failIfUsed)
        guard let ruleSet else { return ReloadOutcome(applied: false, diagnostics: diagnostics) }
        let engine = RulesEngine(ruleSet: ruleSet)
        state.withLock { $0 = engine }
        return ReloadOutcome(
            applied: true, diagnostics: diagnostics, ruleCount: ruleSet.rules.count,
            receiverCount: ruleSet.receiverConfigs.count)
    }
}

/// The result of ``RulesHolder/reload(data:)``.
public struct ReloadOutcome: Sendable {
    /// Whether the new rules are now in use; false keeps the previous rules.
    public var applied: Bool
    /// Every problem found (errors when not applied; warnings possibly either way).
    public var diagnostics: [Diagnostic]
    /// Rules in the new file, when applied.
    public var ruleCount: Int
    /// Receivers in the new file, when applied.
    public var receiverCount: Int

    public init(applied: Bool, diagnostics: [Diagnostic], ruleCount: Int = 0, receiverCount: Int = 0) {
        self.applied = applied
        self.diagnostics = diagnostics
        self.ruleCount = ruleCount
        self.receiverCount = receiverCount
    }
}
