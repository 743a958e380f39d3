import Crypto
import Foundation

/// What the loaded rules depend on, read through every symlink as it resolves now: the rules file's
/// content and that of each file a `${file:PATH}` reference names, as one SHA-256; and the directories
/// to watch for changes to them. Two fingerprints are equal when the contents are.
struct RulesFingerprint: Equatable, Sendable {
    /// The SHA-256 over the rules file and each referenced file (an unreadable file counts as absent).
    var digest: [UInt8]
    /// The `${file:}` paths named by the rules file, in order of appearance.
    var referencedFiles: [String]
    /// The rules file's directory and each referenced file's directory.
    var directories: [String] {
        var seen: [String] = []
        for path in [file.path] + referencedFiles {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path
            if !seen.contains(directory) { seen.append(directory) }
        }
        return seen
    }
    private var file: URL

    /// Reads `file` and the files it references now.
    init(file: URL) {
        self.file = file
        let rules = try? Data(contentsOf: file)
        referencedFiles = rules.map { Self.fileReferences(in: String(decoding: $0, as: UTF8.self)) } ?? []
        var hash = SHA256()
        for content in [rules] + referencedFiles.map({ FileManager.default.contents(atPath: $0) }) {
            // Length-prefixed, so moving bytes between files changes the digest; absent ≠ empty.
            var length = UInt64(content.map { $0.count + 1 } ?? 0).bigEndian
            withUnsafeBytes(of: &length) { hash.update(bufferPointer: $0) }
            if let content { hash.update(data: content) }
        }
        digest = Array(hash.finalize())
    }

    static func == (lhs: RulesFingerprint, rhs: RulesFingerprint) -> Bool { lhs.digest == rhs.digest }

    /// The paths of the `${file:PATH}` references in `text`, in order, without duplicates.
    static func fileReferences(in text: String) -> [String] {
        var paths: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${file:") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            let path = String(rest[start.upperBound..<end])
            if !path.isEmpty && !paths.contains(path) { paths.append(path) }
            rest = rest[rest.index(after: end)...]
        }
        return paths
    }
}
