import Events
import Foundation

/// A validated, compiled rules file: what the engine evaluates and renders with.
public struct RuleSet: Sendable {
    /// The file's `version` (1).
    public var version: Int
    /// Rules in file order (the order they are evaluated in).
    public var rules: [Rule]
    /// Receivers by name, with their template overrides.
    public var receiverConfigs: [String: ReceiverConfig]
    /// The file's default time zone for mute windows; default UTC.
    public var timeZone: TimeZone
    /// The Tencent Cloud accounts to watch, in file order; nil when the file has no `accounts` (one
    /// account, `default`, from the credential chain). Default nil.
    public var accounts: [Account]? = nil

    /// Receivers by name, for the delivery module.
    public var receivers: [String: Receiver] { receiverConfigs.mapValues(\.receiver) }

    /// The rule named `name`.
    public func rule(named name: String) -> Rule? { rules.first { $0.name == name } }

    /// An empty rule set: matches nothing.
    public static let empty = RuleSet(version: 1, rules: [], receiverConfigs: [:], timeZone: .gmt)

    /// The accounts in force: the file's, else the one implicit account (`default`, credential chain,
    /// the daemon's regions).
    public var effectiveAccounts: [Account] { accounts ?? [Account(name: Account.defaultName)] }

    /// What to do with `${env:…}`/`${file:…}` references that cannot be resolved.
    public enum ReferencePolicy: Sendable {
        /// Warn only (`tattle check`): the file may be checked without production secrets.
        case warn
        /// Error when an enabled rule uses the receiver holding the reference (daemon start, reload).
        case failIfUsed
    }

    /// Parses, validates and compiles a rules file, collecting every problem.
    ///
    /// - Parameters:
    ///   - data: The file's bytes (JSON, with JSON5 comments and trailing commas allowed).
    ///   - resolver: Resolves `${env:NAME}` and `${file:PATH}`.
    ///   - references: How unresolved references are treated; default ``ReferencePolicy/failIfUsed``.
    /// - Returns: The rule set, or `nil` when there is any error; and every diagnostic, errors first.
    public static func load(
        data: Data, resolver: any ReferenceResolver = ProcessReferenceResolver(),
        references: ReferencePolicy = .failIfUsed
    ) -> (RuleSet?, [Diagnostic]) {
        let loader = Loader(data: data, resolver: resolver, policy: references)
        let ruleSet = loader.load()
        let diagnostics = loader.context.diagnostics.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity
                ? lhs.element.severity < rhs.element.severity : lhs.offset < rhs.offset
        }.map(\.element)
        return (diagnostics.containsErrors ? nil : ruleSet, diagnostics)
    }
}
