import Events
import Foundation

/// A silence, in the manner of Alertmanager's `amtool silence`: from ``startsAt`` until ``endsAt``,
/// every notification of an event that all ``matchers`` match is recorded as silenced instead of sent.
///
/// Silences are made at run time (`tattle silence add`, the admin API) and kept in the state
/// database, not in the rules file, so "quiet deploy-web for two hours" needs no edit or reload.
/// They apply when notifications are committed, in the same transaction; a silenced notification is
/// never sent later, not even when the silence expires or is expired early.
public struct Silence: Codable, Sendable, Hashable, Identifiable {
    /// Unique id (``newID()`` makes one), used by `tattle silence expire ID`.
    public var id: String
    /// Tests that must all hold for an event to be silenced; never empty (see ``validate()``).
    public var matchers: [SilenceMatcher]
    /// When the silence begins to apply.
    public var startsAt: Date
    /// When it stops applying (exclusive); expiring a silence moves this to the time of expiry.
    public var endsAt: Date
    /// Who made it (`--author`; default the login name of the user running the command).
    public var createdBy: String
    /// Why (`--comment`); may be empty.
    public var comment: String

    /// Creates a silence; call ``validate()`` before storing one built from user input.
    public init(
        id: String = Silence.newID(), matchers: [SilenceMatcher], startsAt: Date, endsAt: Date, createdBy: String,
        comment: String = ""
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// A fresh random id: 16 lower-case hex digits, short enough to type.
    public static func newID() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether the silence applies at `date`: `startsAt <= date < endsAt`.
    public func isActive(at date: Date) -> Bool { startsAt <= date && date < endsAt }

    /// Whether the silence is over at `date` (expired, or ran out).
    public func hasEnded(at date: Date) -> Bool { endsAt <= date }

    /// Whether every matcher holds for `event` (time is not considered; see ``isActive(at:)``).
    public func matches(_ event: Event) -> Bool { SilenceSet([self]).silence(for: event) != nil }

    /// Checks what a store must not hold: an empty id, no matchers, an unknown field path, or an
    /// end not after the start.
    public func validate() throws(SilenceError) {
        if id.isEmpty { throw SilenceError("a silence needs an id") }
        if matchers.isEmpty {
            throw SilenceError(
                "a silence needs at least one matcher (--match FIELD=VALUE), or it would silence everything")
        }
        for matcher in matchers { try matcher.validate() }
        if endsAt <= startsAt { throw SilenceError("a silence must end after it starts") }
    }
}

/// One test of a silence: an event field (the same paths as the rules file's `match`) against a
/// shell-style pattern (`*` any run, `?` one character, `\` escapes; a value without them must be
/// equal). Written `FIELD=PATTERN`, or `FIELD!=PATTERN` for "does not match".
public struct SilenceMatcher: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The event field path, e.g. `invocation.commandName` or `task.instanceId`.
    public var field: String
    /// The pattern the field's value is tested against (as text: `3`, `true`, `FAILED`).
    public var pattern: String
    /// `true` for `!=`: the matcher holds when the value does not match (or is absent).
    public var isNegated: Bool

    /// Creates a matcher; ``validate()`` checks the field path.
    public init(field: String, pattern: String, isNegated: Bool = false) {
        self.field = field
        self.pattern = pattern
        self.isNegated = isNegated
    }

    /// Parses `FIELD=PATTERN` or `FIELD!=PATTERN` (the form `--match` takes).
    public init(parsing text: String) throws(SilenceError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw SilenceError("matcher \"\(text)\" is not FIELD=VALUE (e.g. invocation.commandName=deploy-web)")
        }
        var field = String(text[..<equals])
        let negated = field.hasSuffix("!")
        if negated { field.removeLast() }
        field = field.trimmingCharacters(in: .whitespaces)
        self.init(field: field, pattern: String(text[text.index(after: equals)...]), isNegated: negated)
        try validate()
    }

    /// Throws when ``field`` is not an event field path.
    public func validate() throws(SilenceError) {
        guard !field.isEmpty else { throw SilenceError("matcher \"\(self)\" has no field name before the =") }
        guard EventField(field) != nil else {
            var hint = Suggest.hint(for: field, among: EventField.knownPaths)
            if hint.isEmpty,
                let path = EventField.knownPaths.first(where: { $0.lowercased().hasSuffix("." + field.lowercased()) })
            {
                hint = " (did you mean \"\(path)\"?)"
            }
            throw SilenceError("unknown field \"\(field)\" in matcher \"\(self)\"" + hint)
        }
    }

    /// The matcher as written: `field=pattern` or `field!=pattern`.
    public var description: String { field + (isNegated ? "!=" : "=") + pattern }
}

/// Silences compiled for matching many events: what the store checks each committed notification
/// against (inside the commit transaction), and what `tattle test-rule` reports.
public struct SilenceSet: Sendable {
    private let compiled: [(silence: Silence, tests: [Test])]

    /// One compiled matcher: the field (`nil` when its path is unknown) and the glob.
    private struct Test: Sendable {
        let field: EventField?
        let glob: Glob
        let negated: Bool

        func holds(_ event: Event) -> Bool {
            guard let field else { return false }
            return (field.text(event).map(glob.matches) ?? false) != negated
        }
    }

    /// Compiles `silences`; a matcher whose field path is unknown never holds (stored silences were
    /// validated, so that only happens with a database written by a newer Tattle).
    public init(_ silences: [Silence]) {
        compiled = silences.map { silence in
            let tests = silence.matchers.map { matcher in
                Test(field: EventField(matcher.field), glob: Glob(matcher.pattern), negated: matcher.isNegated)
            }
            return (silence, tests)
        }
    }

    /// Whether there are no silences at all.
    public var isEmpty: Bool { compiled.isEmpty }

    /// The first silence (in the order given) whose matchers all hold for `event`, or `nil`.
    public func silence(for event: Event) -> Silence? {
        guard !compiled.isEmpty else { return nil }
        return compiled.first { !$0.tests.isEmpty && $0.tests.allSatisfy { $0.holds(event) } }?.silence
    }
}

/// A silence that cannot be made or parsed, with a message for the person who wrote it.
public struct SilenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words.
    public let message: String

    /// An error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
