import Crypto
import Foundation
import Rules

/// Builds the RFC 5322 message the SMTP transport hands to the server. Pure.
///
/// - Headers: `Date` (RFC 5322, UTC), `Message-ID: <key@tattle>` stable per delivery, `From`, `To`,
///   `Subject` (RFC 2047 `=?UTF-8?B?…?=` encoded words when not ASCII), `MIME-Version: 1.0`.
/// - Body: `text/plain; charset=utf-8` in base64 (76-column lines); with HTML, a
///   `multipart/alternative` of the text and the HTML, both base64.
/// - CRLF line endings throughout. CR and LF in header values become spaces, so a subject such as
///   `"x\r\nBcc: evil@x"` cannot add a header.
public enum MailComposer {
    /// The message bytes.
    public static func compose(
        _ message: EmailMessage, from: String, to: [String], idempotencyKey: String, date: Date
    ) -> [UInt8] {
        var lines: [String] = []
        lines.append("Date: \(rfc5322Date(date))")
        lines.append("Message-ID: \(messageID(idempotencyKey))")
        lines.append("From: \(encodeAddress(from))")
        lines.append("To: \(to.map(encodeAddress).joined(separator: ", "))")
        lines.append("Subject: \(encodeHeaderText(message.subject))")
        lines.append("MIME-Version: 1.0")
        lines.append("Auto-Submitted: auto-generated")
        if let html = message.html {
            let boundary = "=_tattle_" + hex(SHA256.hash(data: Array(idempotencyKey.utf8))).prefix(24)
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            for (type, content) in [("text/plain", message.text), ("text/html", html)] {
                lines.append("--\(boundary)")
                lines.append("Content-Type: \(type); charset=utf-8")
                lines.append("Content-Transfer-Encoding: base64")
                lines.append("")
                lines.append(contentsOf: base64Lines(content))
            }
            lines.append("--\(boundary)--")
        } else {
            lines.append("Content-Type: text/plain; charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: base64Lines(message.text))
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `<key@tattle>` with characters outside RFC 5322 `atext` (and `.`) replaced by `.`.
    public static func messageID(_ key: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
        var local = String(key.map { allowed.contains($0) ? $0 : "." })
        while local.contains("..") { local = local.replacing("..", with: ".") }
        local = String(local.trimmingPrefix(".").reversed().drop { $0 == "." }.reversed())
        return "<\(local.isEmpty ? "tattle" : local)@tattle>"
    }

    /// The date as RFC 5322 wants it: `Sun, 29 Nov 2026 07:00:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// A header value with CR and LF replaced by spaces: no header can be injected.
    public static func sanitize(_ value: String) -> String {
        String(value.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : Character($0) })
    }

    /// Unstructured header text: ASCII as is, otherwise RFC 2047 B encoded words of at most 75
    /// characters each, folded onto continuation lines; characters are never split across words.
    public static func encodeHeaderText(_ text: String) -> String {
        let clean = sanitize(text)
        if clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) {
            return clean
        }
        // "=?UTF-8?B?" + "?=" is 12 characters; 45 bytes encode to 60, so a word stays ≤ 72.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    /// An address header value: `Name <addr>` with a non-ASCII name encoded; CR/LF removed.
    public static func encodeAddress(_ value: String) -> String {
        let clean = sanitize(value).trimmingCharacters(in: .whitespaces)
        guard let open = clean.lastIndex(of: "<"), clean.hasSuffix(">") else { return clean }
        let name = clean[..<open].trimmingCharacters(in: .whitespaces)
        let address = clean[open...]
        guard !name.isEmpty else { return String(address) }
        if name.unicodeScalars.allSatisfy(\.isASCII) { return "\(name) \(address)" }
        return "\(encodeHeaderText(name)) \(address)"
    }

    /// The bare address of `Name <addr>` or `addr`, for the SMTP envelope.
    public static func bareAddress(_ value: String) -> String {
        let clean = sanitize(value).trimmingCharacters(in: .whitespaces)
        if let open = clean.lastIndex(of: "<"), let close = clean.lastIndex(of: ">"), open < close {
            return String(clean[clean.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        return clean
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }

    private static func base64Lines(_ text: String) -> [String] {
        let normalized = text.replacing("\r\n", with: "\n").replacing("\n", with: "\r\n")
        let encoded = Data(normalized.utf8).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
