import Foundation
import Mustache

/// A Mustache template of the rules file, parsed once with the escaping its output needs.
struct CompiledTemplate: Sendable {
    /// What the output is and therefore how variables are escaped.
    enum Kind: String, Sendable {
        /// Plain text: nothing escaped (payloads are encoded structurally afterwards).
        case text = "TEXT"
        /// The inside of JSON: every variable is escaped as JSON string content.
        case json = "TATTLE_JSON"
        /// HTML: variables are HTML-escaped.
        case html = "HTML"
    }

    /// The template text as written.
    let source: String
    let kind: Kind
    let template: MustacheTemplate

    /// Parses `source`; throws the parser's error.
    init(_ source: String, kind: Kind) throws {
        JSONStringContentType.registerOnce()
        self.source = source
        self.kind = kind
        // The pragma goes first; partials would not inherit it, but rules-file templates have none.
        self.template = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(kind.rawValue)}}" + source)
    }

    /// Renders with `context` (a ``MessageContext`` or any Mustache object).
    func render(_ context: Any) -> String { template.render(context) }
}

/// Escapes variables as the content of a JSON string (quotes, backslashes, control characters),
/// so that `"text": "{{title}}"` stays valid JSON whatever the title holds.
struct JSONStringContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { JSONText.escape(text) }

    private static let registration: Void = {
        MustacheContentTypes.register(JSONStringContentType(), named: CompiledTemplate.Kind.json.rawValue)
    }()

    static func registerOnce() { _ = registration }
}
