import Curl
import Delivery
import Events
import Foundation
import Outbox
import Rules
import Store
import Timekeeping

/// Outbox throughput: deliveries per second through the whole durable path — dispatches committed to
/// SQLiteStore (file-backed, WAL), Dispatcher claims, renders (generic webhook, event envelope),
/// CurlTransport POSTs to a local FlyingFox sink, markDelivered — next to raw libcurl multi
/// throughput (CurlClient, the same number of concurrent POSTs of the same body) to the same sink
/// in the same run. Receiver: rateLimit 100,000/s, maxConcurrency 64; CurlClient allows 64
/// connections per host for both. Rounds alternate raw and outbox so load on the shared machine
/// hits both alike; the figures are the medians, the ratio the median of the rounds' ratios.
enum OutboxScenario {
    static let concurrency = 64

    static func run(rows: Int = 2000, rounds: Int = 5) async throws -> [Figure] {
        let sink = try WebhookSink(recordArrivals: false)
        let port = try await sink.start()
        let curl = CurlClient(configuration: .init(maxConnectionsPerHost: concurrency))
        defer { Task { await sink.stop() } }

        // Warm both paths (connections, template caches).
        _ = try await outbox(rows: 200, port: port, curl: curl, sink: sink)
        let sampleBody = try sampleMessage(port: port)
        _ = try await raw(requests: 200, body: sampleBody, port: port, curl: curl)
        var rawRates: [Double] = []
        var results: [(rate: Double, delivered: Int, commitMs: Double)] = []
        var rawCPU: [Double] = []
        var outboxCPU: [Double] = []
        for _ in 0..<rounds {
            var cpu = processCPUSeconds()
            rawRates.append(try await raw(requests: rows, body: sampleBody, port: port, curl: curl))
            rawCPU.append((processCPUSeconds() - cpu) / Double(rows) * 1e6)
            cpu = processCPUSeconds()
            results.append(try await outbox(rows: rows, port: port, curl: curl, sink: sink))
            outboxCPU.append((processCPUSeconds() - cpu) / Double(rows) * 1e6)
        }
        let rawRate = percentile(rawRates, 50)
        let rate = percentile(results.map(\.rate), 50)
        let ratio = percentile(zip(results, rawRates).map { $0.rate / $1 }, 50)
        let delivered = results.map(\.delivered).reduce(0, +)
        let all = delivered == rows * rounds
        let spread = zip(results, rawRates).map { String(format: "%.2f", $0.rate / $1) }.joined(separator: ", ")
        return [
            Figure(
                name: "deliveries/s through the outbox (\(rows) rows)", value: rate, unit: "/s",
                baseline: rawRate, baselineName: "raw libcurl multi POSTs", target: "≥ 0.5× raw",
                met: ratio >= 0.5 && all,
                note: String(
                    format: "median of %d alternating rounds; %d/%d delivered; commit of the rows %.0f ms (not "
                        + "counted); %d concurrent, body %d bytes", rounds, delivered, rows * rounds,
                    percentile(results.map(\.commitMs), 50), concurrency, sampleBody.count)),
            Figure(
                name: "outbox / raw throughput", value: ratio, unit: "×", baseline: 1,
                baselineName: "raw libcurl multi POSTs", target: "≥ 0.5", met: ratio >= 0.5 && all,
                note: String(
                    format: "median of the rounds' ratios: %@; CPU of the whole process (sink included) per "
                        + "delivery: %.0f µs through the outbox, %.0f µs raw (medians)", spread,
                    percentile(outboxCPU, 50), percentile(rawCPU, 50))),
        ]
    }

    static func rules(port: UInt16) -> String {
        """
        {"version": 1,
         "receivers": {"sink": {"type": "webhook", "url": "http://127.0.0.1:\(port)/hook", "format": "event",
                                "rateLimit": {"count": 100000, "perSeconds": 1}, "maxConcurrency": \(concurrency)}},
         "rules": [{"name": "all", "match": {"type": "invocation.status_changed"}, "receivers": ["sink"]}]}
        """
    }

    static func events(_ count: Int, tag: String) -> [Event] {
        let now = Date()
        return (0..<count).map { index in
            Event(
                id: "evt-\(tag)-\(index)", type: .invocationStatusChanged, region: "ap-guangzhou", detectedAt: now,
                previousStatus: "RUNNING", status: "FAILED",
                invocation: InvocationInfo(
                    id: "inv-\(tag)-\(index)", status: "FAILED",
                    metadata: InvocationMetadata(commandId: "cmd-bench", commandName: "deploy-web"),
                    taskCounts: ["FAILED": 1], instanceCount: 1
                ))
        }
    }

    /// One rendered message of the kind the outbox sends, as the raw baseline's body.
    static func sampleMessage(port: UInt16) throws -> [UInt8] {
        let engine = try LatencyScenario.engine(rules(port: port))
        let message = try engine.render(
            rule: "all", receiver: "sink", events: events(1, tag: "sample"), isRecovery: false)
        guard case .webhook(let webhook) = message else { throw BenchError("expected a webhook message") }
        return webhook.body
    }

    static func raw(requests: Int, body: [UInt8], port: UInt16, curl: CurlClient) async throws -> Double {
        let url = "http://127.0.0.1:\(port)/hook"
        let clock = ContinuousClock()
        let started = clock.now
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            let request = HTTPRequest(
                method: "POST", url: url, headers: [HTTPHeader("Content-Type", "application/json")], body: body)
            var started = 0
            var failures = 0
            while started < min(concurrency, requests) {
                group.addTask { try await curl.execute(request).status < 300 ? 0 : 1 }
                started += 1
            }
            while let result = try await group.next() {
                failures += result
                if started < requests {
                    group.addTask { try await curl.execute(request).status < 300 ? 0 : 1 }
                    started += 1
                }
            }
            return failures
        }
        guard failures == 0 else { throw BenchError("\(failures) raw POSTs failed") }
        return Double(requests) / (clock.now - started).seconds
    }

    static func outbox(rows: Int, port: UInt16, curl: CurlClient, sink: WebhookSink) async throws
        -> (rate: Double, delivered: Int, commitMs: Double)
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tattle-bench-outbox-\(UUID().uuidString.prefix(8))", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory)
        defer { try? store.close() }
        return try await outbox(rows: rows, port: port, curl: curl, store: store)
    }

    /// Commits `rows` dispatches to `store` in one cycle, then times the dispatcher delivering them all.
    static func outbox(rows: Int, port: UInt16, curl: CurlClient, store: any StateDatabase) async throws
        -> (rate: Double, delivered: Int, commitMs: Double)
    {
        let engine = try LatencyScenario.engine(rules(port: port))
        let dispatcher = LatencyScenario.dispatcher(store: store, engine: engine, client: curl)
        let tag = UUID().uuidString.prefix(6)
        let batch = events(rows, tag: String(tag))
        let past = Date().addingTimeInterval(-1)
        let clock = ContinuousClock()
        let commitStarted = clock.now
        try await store.commit(
            CycleCommit(
                region: "bench", events: batch,
                dispatches: batch.map { Dispatch(eventId: $0.id, receiver: "sink", rule: "all", notBefore: past) }))
        let commitMs = (clock.now - commitStarted).milliseconds
        let started = clock.now
        let claimed = try await dispatcher.deliverDue()
        let seconds = (clock.now - started).seconds
        let stats = try await store.stats(now: Date())
        guard claimed == rows else { throw BenchError("claimed \(claimed) of \(rows) rows") }
        return (Double(stats.delivered) / seconds, stats.delivered, commitMs)
    }
}
