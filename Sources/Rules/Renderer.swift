import Events
import Foundation

/// Renders the title and body of a message and builds the receiver's payload from them.
struct Renderer: Sendable {
    // The built-in templates are constants that parse (DefaultTextTests renders all of them).
    static let defaultTitle = try! CompiledTemplate(DefaultTemplates.title, kind: .text)
    static let defaultBody = try! CompiledTemplate(DefaultTemplates.body, kind: .text)
    static let defaultGroupBody = try! CompiledTemplate(DefaultTemplates.groupBody, kind: .text)
    static let defaultRecoveryBody = try! CompiledTemplate(DefaultTemplates.recoveryBody, kind: .text)
    static let defaultHTML = try! CompiledTemplate(DefaultTemplates.html, kind: .html)

    /// Title and body text of a message, before the platform preset.
    struct Text {
        var title: String
        var body: String
        var context: MessageContext
    }

    /// The text for `receiver`, fitted to its platform. The default body is rendered with the whole
    /// output tails when that fits the platform's limit; otherwise with the longest tail length
    /// that fits (found by bisection), and if even no output is too much, with fewer ids after
    /// "and K more": the tails shrink first and the count of failed instances always stays.
    /// Template overrides are rendered once (command output neutralised all the same) and cut by
    /// the preset when too long.
    static func text(rule: Rule?, receiver: ReceiverConfig, events: [Event], isRecovery: Bool) -> Text {
        let platform = receiver.receiver.platform
        var presentation = Presentation(markup: Markup(platform))
        let full = text(rule: rule, receiver: receiver, events: events, isRecovery: isRecovery, presentation)
        let overridden = receiver.templates.body != nil || rule?.templates.body != nil
        func fits(_ text: Text) -> Bool {
            Presets.fits(platform: platform, format: receiver.receiver.format, title: text.title, body: text.body)
        }
        if overridden || fits(full) { return full }
        func render(_ presentation: Presentation) -> Text {
            text(rule: rule, receiver: receiver, events: events, isRecovery: isRecovery, presentation)
        }
        presentation.tailBytes = 0
        var best = render(presentation)
        guard fits(best) else {
            for ids in [10, 0] {
                presentation.moreIds = ids
                best = render(presentation)
                if fits(best) { break }
            }
            return best
        }
        // Bisect the tail length between 0 (fits) and the longest stored tail (does not).
        var low = 0
        var high = Presentation.longestTail(events)
        while high - low > 8 {
            presentation.tailBytes = (low + high) / 2
            let candidate = render(presentation)
            if fits(candidate) {
                low = presentation.tailBytes
                best = candidate
            } else {
                high = presentation.tailBytes
            }
        }
        return best
    }

    static func text(
        rule: Rule?, receiver: ReceiverConfig, events: [Event], isRecovery: Bool, _ presentation: Presentation
    ) -> Text {
        let context = MessageContext(
            events: events, isRecovery: isRecovery, rule: rule?.name ?? "", receiver: receiver.receiver.name,
            presentation: presentation)
        // Without overrides the defaults are produced natively (same text as the Mustache defaults).
        let title: String
        var defaultTitle: String?
        if let template = receiver.templates.title ?? rule?.templates.title {
            title = oneLine(template.render(context))
        } else {
            let standard = DefaultText.title(events, isRecovery: isRecovery)
            defaultTitle = standard
            title = oneLine(standard)
        }
        let body: String
        if let template = receiver.templates.body ?? rule?.templates.body {
            body = tidy(template.render(context))
        } else {
            // The default body starts with the default title: reuse it when it was just built.
            body = DefaultText.body(events, isRecovery: isRecovery, presentation: presentation, title: defaultTitle)
        }
        return Text(title: title, body: body, context: context)
    }

    /// The default title and body rendered through Mustache: the reference ``DefaultText`` must match.
    static func mustacheDefaults(
        events: [Event], isRecovery: Bool, presentation: Presentation = Presentation(markup: .plain)
    ) -> (title: String, body: String) {
        let context = MessageContext(
            events: events, isRecovery: isRecovery, rule: "", receiver: "", presentation: presentation)
        let body = isRecovery ? defaultRecoveryBody : events.count > 1 ? defaultGroupBody : defaultBody
        return (oneLine(defaultTitle.render(context)), tidy(body.render(context)))
    }

    /// The message for `events`. `headers`: the receiver's request headers as
    /// ``requestHeaders(_:)`` makes them, when the caller keeps them (default: made here).
    static func render(
        rule: Rule?, receiver config: ReceiverConfig, headers: [String: String]? = nil, events: [Event],
        isRecovery: Bool
    ) throws(RenderError) -> RenderedMessage {
        guard !events.isEmpty else { throw .noEvents }
        let receiver = config.receiver
        if !config.missingReferences.isEmpty { throw .unresolved(receiver.name, config.missingReferences) }
        let text = text(rule: rule, receiver: config, events: events, isRecovery: isRecovery)
        if receiver.platform == .email {
            let html = (config.templates.html ?? defaultHTML).render(BodyContext(base: text.context, body: text.body))
            return .email(EmailMessage(subject: Truncation.toCharacters(text.title, 250), text: text.body, html: html))
        }
        guard let url = receiver.url, !url.isEmpty else { throw .missingURL(receiver.name) }
        let body: [UInt8]
        if receiver.platform == .webhook && receiver.format == "template", let template = config.templates.bodyTemplate
        {
            let rendered = template.render(BodyContext(base: text.context, body: text.body))
            body = Array(rendered.utf8)
            do {
                _ = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
            } catch {
                throw .invalidTemplateOutput(receiver.name, Self.jsonErrorDetail(error, in: rendered))
            }
        } else {
            body = JSONText.encode(
                Presets.payload(
                    platform: receiver.platform, format: receiver.format, text: text, events: events,
                    isRecovery: isRecovery)
            )
        }
        return .webhook(
            WebhookMessage(
                platform: receiver.platform, method: receiver.method, url: url,
                headers: headers ?? requestHeaders(receiver), body: body)
        )
    }

    /// The headers a webhook request to `receiver` carries: its own, plus a JSON `Content-Type`
    /// unless it sets one.
    static func requestHeaders(_ receiver: Receiver) -> [String: String] {
        var headers = receiver.headers
        if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
            headers["Content-Type"] = "application/json; charset=utf-8"
        }
        return headers
    }

    /// The title as one line: line breaks become spaces, surrounding space trimmed.
    static func oneLine(_ text: String) -> String {
        // Fast path, as most titles are: no line break and no blank at either end. Line breaks are
        // bytes 0x0A–0x0D, U+0085 (C2 85) and U+2028/U+2029 (E2 80 A8/A9), looked for as those
        // sequences (a lone 0x85 is the end of ✅, E2 9C 85); text with a break takes the
        // character-wise path.
        let utf8 = text.utf8
        if let first = utf8.first, let last = utf8.last, first != 0x20, first != 0x09, last != 0x20, last != 0x09,
            !(utf8.withContiguousStorageIfAvailable(hasLineBreak) ?? hasLineBreak(Array(utf8)))
        {
            return text
        }
        let joined =
            text.contains(where: \.isNewline) ? text.split(whereSeparator: \.isNewline).joined(separator: " ") : text
        guard let first = joined.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = joined.lastIndex(where: { $0 != " " && $0 != "\t" })!
        if first == joined.startIndex, joined.index(after: last) == joined.endIndex { return joined }
        return String(joined[first...last])
    }

    /// Whether UTF-8 `bytes` hold a line break (what `Character.isNewline` is true for).
    private static func hasLineBreak(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in bytes.indices {
            switch bytes[index] {
            case 0x0A...0x0D: return true
            case 0x85 where index >= 1 && bytes[index - 1] == 0xC2: return true
            case 0xA8, 0xA9: if index >= 2 && bytes[index - 1] == 0x80 && bytes[index - 2] == 0xE2 { return true }
            default: continue
            }
        }
        return false
    }

    private static func hasLineBreak(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(hasLineBreak) }

    /// Trailing spaces and runs of blank lines removed.
    static func tidy(_ text: String) -> String {
        if isTidy(text) { return text }
        var lines: [Substring] = []
        var blank = 0
        // "\r\n" is one Character in Swift: normalise it before splitting on "\n".
        let text = text.utf8.contains(0x0D) ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line
            while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
            if trimmed.isEmpty {
                blank += 1
                if blank > 1 || lines.isEmpty { continue }
            } else {
                blank = 0
            }
            lines.append(trimmed)
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// Whether ``tidy(_:)`` would leave `text` as it is (one pass over the bytes, no allocation).
    private static func isTidy(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(isTidy) ?? isTidy(text.utf8)
    }

    private static func isTidy(_ bytes: some Sequence<UInt8>) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        var atStart = true
        for byte in bytes {
            if byte == 0x0D { return false }
            if byte == 0x0A {
                if atStart || previous == 0x20 || previous == 0x09 { return false }  // blank first line, trailing space
                if previous == 0x0A && beforePrevious == 0x0A { return false }  // two blank lines in a row
            }
            atStart = false
            beforePrevious = previous
            previous = byte
        }
        return !atStart && previous != 0x0A && previous != 0x20 && previous != 0x09
    }

    /// "around line L, column C" from JSONSerialization's "around character N".
    static func jsonErrorDetail(_ error: any Error, in text: String) -> String {
        let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        guard let range = description.range(of: "character "),
            let offset = Int(description[range.upperBound...].prefix { $0.isNumber })
        else { return description }
        let prefix = text.utf8.prefix(offset)
        let line = prefix.filter { $0 == 0x0A }.count + 1
        let column = (prefix.split(separator: 0x0A, omittingEmptySubsequences: false).last?.count ?? 0) + 1
        return "invalid JSON around line \(line), column \(column)"
    }
}
