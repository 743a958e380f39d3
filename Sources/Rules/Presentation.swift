import Events

/// How a message presents the parts of an event that come from the commands themselves (output
/// tails and TAT's error text): how they are made inert for the platform, and how much of them fits.
///
/// Renderers shorten ``tailBytes`` until the message fits the platform's limit, then the list of
/// further instance ids; the count of failed instances ("and K more") is never dropped.
struct Presentation: Sendable, Hashable {
    /// How untrusted text is neutralised.
    var markup: Markup
    /// At most this many UTF-8 bytes of each output tail are shown (the end of the output is kept);
    /// 0 leaves the output out. Default: the whole stored tail.
    var tailBytes: Int = .max
    /// At most this many ids are listed after "and K more". Default 50.
    var moreIds: Int = 50

    /// Instances of an invocation-level event listed with their details; the rest by id.
    static let detailedInstances = 5
    /// TAT's error text of an instance is cut to this many characters.
    static let errorCharacters = 300

    /// The length in bytes of the longest output tail among `events` (task output and the failed
    /// instances' outputs): the most a presentation can show.
    static func longestTail(_ events: [Event]) -> Int {
        var longest = 0
        for event in events {
            longest = max(longest, event.task?.output?.text.utf8.count ?? 0)
            for instance in event.invocation.failedInstances ?? [] {
                longest = max(longest, instance.output?.text.utf8.count ?? 0)
            }
        }
        return longest
    }

    /// An output tail as shown: its last ``tailBytes`` bytes (cut on a character boundary, trailing
    /// blank space dropped), neutralised, and how many bytes of output come before what is shown;
    /// `nil` when nothing is left to show.
    func show(_ output: OutputTail) -> (text: String, omittedBytes: Int)? {
        guard tailBytes > 0 else { return nil }
        var text = output.text
        while let last = text.last, last.isNewline || last == " " { text.removeLast() }
        if text.isEmpty { return nil }
        var omitted = output.omittedBytes
        if tailBytes < text.utf8.count {
            let kept = Truncation.suffix(text, maxBytes: tailBytes)
            omitted += text.utf8.count - kept.utf8.count
            text = kept
        }
        return (markup.neutralise(text), omitted)
    }

    /// TAT's error text as shown: cut to ``errorCharacters``, neutralised; `nil` when empty.
    func error(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return markup.neutralise(Truncation.toCharacters(text, Self.errorCharacters))
    }

    /// The ids after "and K more": the first ``moreIds`` of `ids`, then `…` when some are left out.
    func moreList(_ ids: [String]) -> String {
        guard moreIds > 0 else { return "" }
        let shown = ids.prefix(moreIds).joined(separator: ", ")
        return ids.count > moreIds ? shown + ", …" : shown
    }
}

/// The markup dialect that untrusted text lands in.
enum Markup: Sendable, Hashable {
    /// Machine formats and plain mail text: text is carried as it is (email HTML is escaped by
    /// its template).
    case plain
    /// Chat platforms (Markdown, mrkdwn, card text, plain chat text): nothing from a command may
    /// close a code fence, make a link or image, or mention anyone.
    case chat

    /// The markup for a receiver's platform.
    init(_ platform: Platform) {
        switch platform {
        case .webhook, .email: self = .plain
        default: self = .chat
        }
    }

    /// `text` made inert for the dialect. For ``chat``, a zero width space goes
    /// - between two backticks or two tildes, so no fence (```, ~~~) or inline code run can close;
    /// - into `](`, `![`, `://` and `www.`, so no Markdown link, image or auto-link forms;
    /// - after `<`, so no tag forms (Feishu `<at user_id="all">`, Slack `<!channel>`, WeCom
    ///   `<@user>` or `<font>`, Teams `<at>`);
    /// - after `@` in `@all`, `@everyone`, `@here` and `@channel` (any case), so no one is mentioned.
    func neutralise(_ text: String) -> String {
        guard self == .chat else { return text }
        var copy = text
        // One pass over the UTF-8 bytes: every trigger is ASCII, so a breaker inserted next to one
        // never splits a character. Text without triggers (most output) is returned as it is.
        let rewritten: String? = copy.withUTF8 { bytes in
            var cuts: [Int] = []
            for index in bytes.indices {
                let byte = bytes[index]
                let previous: UInt8 = index > 0 ? bytes[index - 1] : 0
                var cut: Int?
                switch byte {
                case UInt8(ascii: "`") where previous == UInt8(ascii: "`"),
                    UInt8(ascii: "~") where previous == UInt8(ascii: "~"),
                    UInt8(ascii: "(") where previous == UInt8(ascii: "]"),
                    UInt8(ascii: "[") where previous == UInt8(ascii: "!"):
                    cut = index
                case UInt8(ascii: "/")
                where previous == UInt8(ascii: ":") && index + 1 < bytes.count && bytes[index + 1] == byte:
                    cut = index
                case UInt8(ascii: ".") where index >= 3 && bytes[(index - 3)..<index].allSatisfy { $0 | 0x20 == 0x77 }:
                    cut = index  // after "www" in any case
                case UInt8(ascii: "<"):
                    cut = index + 1
                case UInt8(ascii: "@") where Self.startsMention(bytes, at: index + 1):
                    cut = index + 1
                default: break
                }
                if let cut, cut != cuts.last { cuts.append(cut) }
            }
            guard !cuts.isEmpty else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 3 * cuts.count)
            var start = 0
            for cut in cuts {
                output.append(contentsOf: bytes[start..<cut])
                output.append(contentsOf: [0xE2, 0x80, 0x8B])  // U+200B ZERO WIDTH SPACE
                start = cut
            }
            output.append(contentsOf: bytes[start...])
            return String(decoding: output, as: UTF8.self)
        }
        return rewritten ?? text
    }

    private static let mentionWords: [[UInt8]] = ["all", "everyone", "here", "channel"].map { Array($0.utf8) }

    /// Whether a mention word (any case) starts at `start`.
    private static func startsMention(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        mentionWords.contains { word in
            start + word.count <= bytes.count
                && zip(word, bytes[start..<(start + word.count)]).allSatisfy { $0 == $1 | 0x20 }
        }
    }
}
