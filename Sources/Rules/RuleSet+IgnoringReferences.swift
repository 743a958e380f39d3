import Foundation

extension RuleSet {
    /// The same rules with unresolved references ignored, so `tattle test-rule` can show payloads
    /// without the production secrets. Never use for sending.
    public func ignoringMissingReferences() -> RuleSet {
        var copy = self
        for name in copy.receiverConfigs.keys { copy.receiverConfigs[name]?.missingReferences = [] }
        return copy
    }
}
