import Foundation

/// Escaping for the status pages. Every value that comes from TAT (command names, output, error
/// text) or from the rules file (rule and receiver names, diagnostics) goes through ``escape(_:)``
/// before it reaches a page: command names and output are attacker-influenced.
enum HTML {
    /// `text` safe as element content and as a quoted attribute value: `& < > " '` become entities;
    /// bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C), which could make a
    /// value read backwards, are shown as `[U+202E]`; other control characters except newline and
    /// tab become U+FFFD. Registered secrets are scrubbed first (see ``SecretScrubber``).
    static func escape(_ text: String, scrubber: SecretScrubber = .shared) -> String {
        let text = scrubber.scrub(text)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case _ where isBidiControl(scalar):
                result += "[U+" + String(scalar.value, radix: 16, uppercase: true) + "]"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The characters that reorder text around them (embeddings, overrides, isolates, marks).
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A path segment for a link (`/deliveries/12`, `/events/…`): percent-encoded, then escaped.
    static func pathSegment(_ text: String) -> String {
        escape(text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? "")
    }
}
