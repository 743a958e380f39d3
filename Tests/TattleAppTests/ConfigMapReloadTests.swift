import Foundation
import InMemoryLogging
import Logging
import Rules
import TestSupport
import Testing

@testable import TattleApp

/// The rules reloader against files laid out and updated exactly as the kubelet does for a mounted
/// ConfigMap or Secret (`pkg/volume/util/atomic_writer.go`): real files in `..<timestamp>/`, a
/// `..data` symlink to it, one `<key> → ..data/<key>` symlink per key; an update writes a new
/// timestamped directory, points `..data_tmp` at it, renames `..data_tmp` over `..data` and deletes
/// the old directory. No event ever names `rules.json`.
@Suite("Rules reload from ConfigMap and Secret volumes", .timeLimit(.minutes(1)))
struct ConfigMapReloadTests {
    /// A directory with the kubelet's atomic-writer layout.
    final class KubeletVolume {
        let root: URL
        private var generation = 0

        init(files: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("tattle-volume-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let first = try write(files)
            try FileManager.default.createSymbolicLink(
                atPath: root.appendingPathComponent("..data").path,
                withDestinationPath: first)
            for key in files.keys {
                try FileManager.default.createSymbolicLink(
                    atPath: root.appendingPathComponent(key).path, withDestinationPath: "..data/\(key)")
            }
        }

        /// The kubelet's update: new `..<ts>/`, `..data_tmp` → it, rename over `..data`, delete the old one.
        func update(_ files: [String: String]) throws {
            let old = try FileManager.default.destinationOfSymbolicLink(
                atPath: root.appendingPathComponent("..data").path)
            let next = try write(files)
            let temporary = root.appendingPathComponent("..data_tmp").path
            try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: next)
            guard rename(temporary, root.appendingPathComponent("..data").path) == 0 else {
                throw CocoaError(.fileWriteUnknown)
            }
            try FileManager.default.removeItem(at: root.appendingPathComponent(old))
        }

        func path(_ key: String) -> String { root.appendingPathComponent(key).path }

        private func write(_ files: [String: String]) throws -> String {
            generation += 1
            let serial = generation
            let name = String(format: "..2026_12_01_09_00_%02d.%09d", serial, 100_000 + serial)
            let directory = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (key, text) in files {
                try text.write(to: directory.appendingPathComponent(key), atomically: false, encoding: .utf8)
            }
            return name
        }
    }


    static func rules(_ name: String, url: String = "https://hooks.example.com/x") -> String {
        """
        {"version": 1, "receivers": {"hook": {"type": "webhook", "url": "\(url)"}},
         "rules": [{"name": "\(name)", "match": {"status": "FAILED"}, "receivers": ["hook"]}]}
        """
    }

    /// Starts a reloader on `file`; returns the holder, its log and the task to cancel.
    static func start(
        _ file: String, recheck: Duration = .seconds(3600)
    ) throws -> (RulesHolder, InMemoryLogHandler, Task<Void, any Error>) {
        let (ruleSet, _) = RuleSet.load(data: try Data(contentsOf: URL(fileURLWithPath: file)))
        let holder = RulesHolder(engine: RulesEngine(ruleSet: try #require(ruleSet)))
        let lines = InMemoryLogHandler.capturingAll()
        var reloader = RulesReloader(
            file: URL(fileURLWithPath: file), holder: holder,
            logger: Logger(label: "test.rules") { _ in lines })
        reloader.recheckInterval = recheck
        reloader.settleDelay = .milliseconds(20)
        let task = Task { try await reloader.run() }
        return (holder, lines, task)
    }

    /// Waits until the reloader's watches are in place.
    static func watching(_ lines: InMemoryLogHandler) async throws {
        try await eventually { lines.messages.contains { $0.hasPrefix("watching the rules for changes") } }
    }

    /// Waits (bounded by the suite's time limit) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        while !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("the kubelet's ..data swap of a ConfigMap reloads once; an event that changes nothing does not")
    func configMapSwap() async throws {
        let volume = try KubeletVolume(files: ["rules.json": Self.rules("v1")])
        defer { try? FileManager.default.removeItem(at: volume.root) }
        let (holder, lines, task) = try Self.start(volume.path("rules.json"))
        defer { task.cancel() }
        try await Self.watching(lines)

        try volume.update(["rules.json": Self.rules("v2")])
        try await Self.eventually { holder.current.ruleSet.rules.map(\.name) == ["v2"] }
        #expect(lines.messages.contains { $0.hasPrefix("rules reloaded (file change)") })

        // Same content swapped in again (a kubelet resync), then a real change: exactly one more reload.
        try volume.update(["rules.json": Self.rules("v2")])
        try volume.update(["rules.json": Self.rules("v3")])
        try await Self.eventually { holder.current.ruleSet.rules.map(\.name) == ["v3"] }
        // Once a later change is in, every earlier event has been handled: count the reloads then.
        try volume.update(["rules.json": Self.rules("v4")])
        try await Self.eventually { holder.current.ruleSet.rules.map(\.name) == ["v4"] }
        #expect(lines.messages.filter { $0.hasPrefix("rules reloaded") }.count == 3)
    }

    @Test("a rotated ${file:} secret from a Secret volume is read again")
    func rotatedSecret() async throws {
        let secret = try KubeletVolume(files: ["webhook-url": "https://hooks.example.com/old\n"])
        defer { try? FileManager.default.removeItem(at: secret.root) }
        let config = try KubeletVolume(files: [
            "rules.json": Self.rules("v1", url: "${file:\(secret.path("webhook-url"))}")
        ])
        defer { try? FileManager.default.removeItem(at: config.root) }
        let (holder, lines, task) = try Self.start(config.path("rules.json"))
        defer { task.cancel() }
        #expect(holder.current.ruleSet.receivers["hook"]?.url == "https://hooks.example.com/old")
        try await Self.watching(lines)

        try secret.update(["webhook-url": "https://hooks.example.com/new\n"])
        try await Self.eventually { holder.current.ruleSet.receivers["hook"]?.url == "https://hooks.example.com/new" }
        #expect(lines.messages.contains { $0.hasPrefix("rules reloaded (file change)") })
    }

    @Test("a change no event reports is found by the periodic check")
    func periodicCheck() async throws {
        // The rules file is a hard link to a file elsewhere: writing through the other name raises no
        // event in the watched directory, as when events are missed.
        let elsewhere = try KubeletVolume(files: [:]).root
        let watched = try KubeletVolume(files: [:]).root
        defer {
            try? FileManager.default.removeItem(at: elsewhere)
            try? FileManager.default.removeItem(at: watched)
        }
        let original = elsewhere.appendingPathComponent("rules.json")
        try Self.rules("v1").write(to: original, atomically: false, encoding: .utf8)
        let file = watched.appendingPathComponent("rules.json")
        try FileManager.default.linkItem(at: original, to: file)
        let (holder, lines, task) = try Self.start(file.path, recheck: .milliseconds(100))
        defer { task.cancel() }
        try await Self.watching(lines)

        let handle = try FileHandle(forWritingTo: original)
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(Self.rules("v2").utf8))
        try handle.close()
        try await Self.eventually { holder.current.ruleSet.rules.map(\.name) == ["v2"] }
        #expect(lines.messages.contains { $0.hasPrefix("rules reloaded (periodic check)") })
    }

    @Test("${file:} references are found in the rules text")
    func references() {
        let text = #"{"a": "${file:/run/secrets/a}", "b": "x${file:/b}y${env:C}", "c": "${file:/run/secrets/a}"}"#
        #expect(RulesFingerprint.fileReferences(in: text) == ["/run/secrets/a", "/b"])
    }
}
