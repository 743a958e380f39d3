import Foundation
import Testing

/// The repository root, found from this file's place in it.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
}

/// The README's module table: module → (depends on, packages).
func readmeGraph() throws -> [String: (targets: Set<String>, products: Set<String>)] {
    let lines = try read("README.md").split(separator: "\n").map(String.init)
    let header = try #require(lines.firstIndex { $0.hasPrefix("| module | holds | depends on | packages |") })
    var graph: [String: (Set<String>, Set<String>)] = [:]
    for line in lines[(header + 2)...] {
        guard line.hasPrefix("|") else { break }
        let cells = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard cells.count == 6 else {
            Issue.record("README module row has \(cells.count - 2) cells: \(line)")
            continue
        }
        let names = { (cell: String) in Set(Manifest.strings(in: cell.replacingOccurrences(of: "`", with: "\""))) }
        let module = try #require(names(cells[1]).first, "no module name in \(line)")
        graph[module] = (names(cells[3]), names(cells[4]))
    }
    return graph
}

/// Modules every target may import without declaring them (the toolchain's own).
let toolchainModules: Set<String> = [
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Synchronization", "Dispatch", "Glibc", "Musl",
    "Darwin", "Testing", "XCTest", "_Concurrency",
]

@Suite("Module graph")
struct ModuleGraphTests {
    let manifest: Manifest

    init() throws { manifest = Manifest(text: try read("Package.swift")) }

    @Test("the manifest is read: every module the README names and the graph's known edges are there")
    func manifestIsParsed() throws {
        let byName = Dictionary(uniqueKeysWithValues: manifest.targets.map { ($0.name, $0) })
        #expect(byName["Curl"]?.targets == ["CCurl", "Secrets"])
        #expect(byName["CCurl"]?.kind == "systemLibrary")
        #expect(byName["tattle"]?.kind == "executableTarget")
        #expect(byName["TestSupport"]?.path == "Tests/TestSupport")
        #expect(byName["Store"]?.products == ["GRDB"])
    }

    @Test("the README's module table is the graph Package.swift declares")
    func readmeMatchesTheManifest() throws {
        let readme = try readmeGraph()
        let declared = manifest.targets.filter { $0.kind != "testTarget" && $0.sourceDirectory.hasPrefix("Sources/") }
        #expect(Set(readme.keys) == Set(declared.map(\.name)))
        for target in declared {
            guard let row = readme[target.name] else { continue }
            #expect(row.targets == target.targets, "README depends-on of \(target.name)")
            #expect(row.products == target.products, "README packages of \(target.name)")
        }
    }

    @Test(
        "the design's edges hold: the watcher knows no storage, the store no rules, the outbox model only events, nothing below uses what joins it"
    )
    func designEdges() throws {
        let byName = Dictionary(uniqueKeysWithValues: manifest.targets.map { ($0.name, $0) })
        #expect(byName["Watcher"]?.targets.contains("Store") == false)
        #expect(byName["Store"]?.targets.isDisjoint(with: ["Watcher", "Delivery", "Pipeline"]) == true)
        #expect(byName["Store"]?.products.contains("Mustache") == false)
        #expect(byName["Store"]?.targets.contains("Rules") == false)
        #expect(byName["Outbox"]?.targets == ["Events"])
        #expect(byName["Rules"]?.targets.isDisjoint(with: ["Store", "Watcher", "Delivery", "Curl"]) == true)
    }

    @Test(
        "every module a file imports is declared by its target",
        arguments: try Manifest(text: read("Package.swift")).targets.filter { $0.kind != "systemLibrary" }.map(\.name))
    func importsAreDeclared(_ name: String) throws {
        let target = try #require(manifest.targets.first { $0.name == name })
        let allowed = target.targets.union(target.products).union(toolchainModules)
        let directory = root.appendingPathComponent(target.sourceDirectory)
        let files = try #require(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil))
        var undeclared: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" {
            for module in try Self.imports(in: String(contentsOf: file, encoding: .utf8))
            where !allowed.contains(module) {
                undeclared.append("\(file.lastPathComponent): \(module)")
            }
        }
        #expect(undeclared == [], "\(name) imports modules it does not declare")
    }

    /// The modules a file imports at its top level (not inside string literals: those are indented).
    static func imports(in source: String) -> [String] {
        let keywords: Set<Substring> = ["public", "package", "internal", "private", "fileprivate", "import"]
        return source.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix(" "), !line.hasPrefix("\t") else { return nil }
            let words = line.split(separator: " ").filter { !$0.hasPrefix("@") }
            guard let importAt = words.firstIndex(of: "import"), words[..<importAt].allSatisfy(keywords.contains),
                importAt + 1 < words.count
            else { return nil }
            let path =
                words[importAt + 1] == "struct" || words[importAt + 1] == "enum" || words[importAt + 1] == "class"
                ? words.dropFirst(importAt + 2).first : words[importAt + 1]
            return path.map { String($0.split(separator: ".").first ?? $0) }
        }
    }

    @Test("the import reader sees attributes and access levels, and only top-level lines")
    func importReader() {
        let source = """
            import Events
            @testable import Rules
            public import Logging
            import struct Foundation.Date
            let python = \"\"\"
                import hmac
                \"\"\"
            """
        #expect(Self.imports(in: source) == ["Events", "Rules", "Logging", "Foundation"])
    }
}
