/// Cutting text to a platform's limit without splitting a character, marking the cut.
public enum Truncation {
    /// Appended where text was cut.
    public static let marker = "…(truncated)"

    /// `text` cut so that its UTF-8 form is at most `maxBytes`, ending with ``marker`` when cut.
    /// Cuts fall on grapheme (character) boundaries.
    public static func toBytes(_ text: String, _ maxBytes: Int) -> String {
        if text.utf8.count <= maxBytes { return text }
        let budget = maxBytes - marker.utf8.count
        if budget <= 0 { return prefix(marker, maxBytes: maxBytes) }
        return prefix(text, maxBytes: budget) + marker
    }

    /// `text` cut to at most `maxCharacters` characters (grapheme clusters), ending with ``marker``
    /// when cut.
    public static func toCharacters(_ text: String, _ maxCharacters: Int) -> String {
        // Fast path: a string never has more characters than UTF-8 bytes.
        if text.utf8.count <= maxCharacters || text.count <= maxCharacters { return text }
        let budget = maxCharacters - marker.count
        if budget <= 0 { return String(marker.prefix(max(0, maxCharacters))) }
        return String(text.prefix(budget)) + marker
    }

    /// `text` cut to at most `maxUTF16` UTF-16 code units (Slack and Discord count these), on a
    /// character boundary, ending with ``marker`` when cut.
    public static func toUTF16(_ text: String, _ maxUTF16: Int) -> String {
        if text.utf16.count <= maxUTF16 { return text }
        let budget = maxUTF16 - marker.utf16.count
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = text[index].utf16.count
            if used + width > budget { break }
            used += width
            end = text.index(after: index)
        }
        return String(text[..<end]) + marker
    }

    /// The longest prefix of whole characters whose UTF-8 form fits in `maxBytes` (no marker).
    public static func prefix(_ text: String, maxBytes: Int) -> String {
        if text.utf8.count <= maxBytes { return text }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = text[index].utf8.count
            if used + width > maxBytes { break }
            used += width
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// The longest suffix of whole characters whose UTF-8 form fits in `maxBytes` (no marker): the
    /// end of an output tail, kept when the tail must be shorter.
    public static func suffix(_ text: String, maxBytes: Int) -> String {
        if text.utf8.count <= maxBytes { return text }
        var used = 0
        var start = text.endIndex
        while start > text.startIndex {
            let before = text.index(before: start)
            let width = text[before].utf8.count
            if used + width > maxBytes { break }
            used += width
            start = before
        }
        return String(text[start...])
    }
}
