import Curl
import Foundation
import InMemoryLogging
import Logging
import Prometheus
import TestSupport
import Testing

@testable import TattleApp

@Suite("Operations: logs, secrets, addresses")
struct OperationsTests {
    @Test("registered secrets are scrubbed, longest first")
    func scrubber() {
        let scrubber = SecretScrubber()
        scrubber.register([
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123456", "abcdef123456", "short",
        ])
        let text =
            "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcdef123456 failed; key abcdef123456; short"
        let scrubbed = scrubber.scrub(text)
        #expect(!scrubbed.contains("abcdef123456"))
        #expect(scrubbed == "POST [redacted] failed; key [redacted]; short")
    }

    @Test("JSON log lines are valid JSON carrying metadata")
    func jsonLine() throws {
        let line = StderrLogHandler.format(
            level: .warning, label: "tattle.watcher", message: "poll failed \"quoted\"\nnext",
            metadata: ["invocation_id": "inv-123", "request_id": "req-9", "attempt": .stringConvertible(3)],
            format: .json, date: Date(timeIntervalSince1970: 0))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["msg"] as? String == "poll failed \"quoted\"\nnext")
        #expect(object["invocation_id"] as? String == "inv-123")
        #expect(object["attempt"] as? String == "3")
        #expect(!line.contains("\n"))
        let path = StderrLogHandler.format(
            level: .info, label: "tattle", message: "state in /var/lib/tattle",
            metadata: ["rules": "/etc/tattle/r.json"],
            format: .json, date: Date(timeIntervalSince1970: 0))
        #expect(path.contains(#""msg":"state in /var/lib/tattle""#) && path.contains(#""/etc/tattle/r.json""#))
        #expect(!path.contains("\\/"))
    }

    @Test("--listen with port 0 logs the port actually bound", .timeLimit(.minutes(1)))
    func listenOnPortZeroLogsTheBoundPort() async throws {
        let logs = InMemoryLogHandler.capturingAll()
        let logger = Logger(label: "test") { _ in logs }
        let server = StatusServer(
            host: "127.0.0.1", port: 0, readiness: Readiness(pollInterval: 1, databaseWritable: { true }),
            registry: PrometheusCollectorRegistry(), logger: logger)
        let running = Task { try await server.run() }
        defer { running.cancel() }
        var port: Int?
        for _ in 0..<500 where port == nil {
            if let line = logs.entries.first(where: { $0.message.description == "status endpoint listening" }) {
                port = line.metadata["address"]?.description.split(separator: ":").last.flatMap { Int($0) }
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let bound = try #require(port, "no listening line in \(logs.lines)")
        #expect(bound > 0)
        let response = try await CurlClient().execute(HTTPRequest(url: "http://127.0.0.1:\(bound)/healthz"))
        #expect(response.status == 200 && response.bodyText == "ok\n")
    }

    @Test("text log lines are readable")
    func textLine() {
        let line = StderrLogHandler.format(
            level: .info, label: "tattle", message: "started", metadata: ["region": "ap-guangzhou"], format: .text,
            date: Date(timeIntervalSince1970: 0))
        #expect(line == "1970-01-01T00:00:00Z info tattle: started region=ap-guangzhou")
    }

    @Test(
        "listen addresses parse",
        arguments: [
            ("127.0.0.1:9464", "127.0.0.1", UInt16(9464)), ("0.0.0.0:80", "0.0.0.0", 80),
            ("[::1]:9000", "::1", 9000), ("localhost", "localhost", 9464),
        ])
    func listenAddress(text: String, host: String, port: UInt16) throws {
        let parsed = try StatusServer.parseAddress(text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test("a bad listen address says what to fix")
    func badListenAddress() {
        #expect(throws: ConfigurationError.self) { try StatusServer.parseAddress("127.0.0.1:http") }
    }
}
