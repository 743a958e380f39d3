import Foundation

/// The targets `Package.swift` declares, read from the manifest's text (no SwiftPM run, so the test
/// needs no toolchain lock and takes milliseconds). Understands the shapes this manifest uses:
/// `.target(name:dependencies:path:…)` and its siblings, bare target names and `.product(name:…)`.
struct Manifest {
    /// One declared target.
    struct Target: Equatable {
        var name: String
        var kind: String
        var path: String?
        /// Targets of this package it depends on.
        var targets: Set<String>
        /// Products of other packages it depends on.
        var products: Set<String>

        /// Where its sources are, relative to the package root.
        var sourceDirectory: String { path ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)") }
    }

    var targets: [Target]

    init(text: String) {
        // Full-line comments only: a `//` inside a string (a URL) must stay.
        let code = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
            .joined(separator: "\n")
        let kinds = ["executableTarget", "systemLibrary", "testTarget", "target"]
        var targets: [Target] = []
        var index = code.startIndex
        while let dot = code[index...].firstIndex(of: ".") {
            index = code.index(after: dot)
            guard let kind = kinds.first(where: { code[index...].hasPrefix($0 + "(") }) else { continue }
            let open = code.index(index, offsetBy: kind.count)
            guard let body = Self.balanced(code, from: open, open: "(", close: ")") else { break }
            index = body.upperBound
            let text = String(code[body])
            guard let name = Self.string(after: "name:", in: text) else { continue }
            var target = Target(
                name: name, kind: kind, path: Self.string(after: "path:", in: text), targets: [], products: [])
            if let start = text.range(of: "dependencies:")?.upperBound,
                let bracket = text[start...].firstIndex(of: "["),
                let list = Self.balanced(text, from: bracket, open: "[", close: "]")
            {
                var dependencies = String(text[list])
                while let product = dependencies.range(of: ".product(") {
                    guard
                        let call = Self.balanced(
                            dependencies, from: dependencies.index(before: product.upperBound), open: "(", close: ")")
                    else { break }
                    if let name = Self.string(after: "name:", in: String(dependencies[call])) {
                        target.products.insert(name)
                    }
                    dependencies.removeSubrange(product.lowerBound..<call.upperBound)
                }
                target.targets = Set(Self.strings(in: dependencies))
            }
            targets.append(target)
        }
        self.targets = targets
    }

    /// The range from `start` (an opening bracket) through its matching close, or nil when unbalanced.
    static func balanced(_ text: String, from start: String.Index, open: Character, close: Character) -> Range<
        String.Index
    >? {
        var depth = 0
        var inString = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { inString.toggle() }
            if !inString {
                if character == open { depth += 1 }
                if character == close {
                    depth -= 1
                    if depth == 0 { return start..<text.index(after: index) }
                }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// The first string literal after `label` at depth one of `text` (a call's own argument).
    static func string(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        return strings(in: String(text[range.upperBound...])).first
    }

    /// Every string literal in `text`, in order.
    static func strings(in text: String) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
