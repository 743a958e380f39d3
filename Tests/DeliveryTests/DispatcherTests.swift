import Delivery
import Events
import Foundation
import InMemoryLogging
import Logging
import MetricsTestKit
import Rules
import Secrets
import Store
import Synchronization
import TestSupport
import Testing

/// A transport that answers from a script and records what it was asked to send, and when.
final class ScriptedTransport: Transport {
    struct Sent: Sendable {
        var receiver: String
        var key: String
        var body: String
        var at: Date
    }

    private let script = Mutex<[Outcome]>([])
    private let log = Mutex<[Sent]>([])
    let clock: TestClock?
    let byBody: [String: Outcome]

    init(_ outcomes: [Outcome] = [], byBody: [String: Outcome] = [:], clock: TestClock? = nil) {
        script.withLock { $0 = outcomes }
        self.byBody = byBody
        self.clock = clock
    }

    var sent: [Sent] { log.withLock { $0 } }

    func send(_ message: RenderedMessage, to receiver: Receiver, idempotencyKey: String) async -> Classification {
        guard case .webhook(let webhook) = message else { return Classification(.permanent("not a webhook")) }
        log.withLock {
            $0.append(Sent(receiver: receiver.name, key: idempotencyKey, body: String(decoding: webhook.body, as: UTF8.self),
                at: clock?.date ?? Date()))
        }
        let body = String(decoding: webhook.body, as: UTF8.self)
        let outcome = byBody[body] ?? script.withLock { $0.isEmpty ? Outcome.delivered : $0.removeFirst() }
        return Classification(outcome, responseExcerpt: outcome == .delivered ? nil : "scripted")
    }
}

/// Renders a batch as the list of its event ids (what the rules engine would do with all events).
let renderIDs: Dispatcher.Render = { batch, receiver in
    let body = (batch.isDigest ? "digest:" : "") + batch.events.map(\.id).joined(separator: ",")
    return .webhook(WebhookMessage(platform: receiver.platform, url: receiver.url ?? "", headers: [:], body: Array(body.utf8)))
}

@Suite("Dispatcher with an in-memory outbox")
struct DispatcherTests {
    static let receivers: [String: Receiver] = [
        "ops": Receiver(name: "ops", platform: .webhook, url: "https://hooks.example.com/t/SECRET-TOKEN-123"),
        "ding": Receiver(name: "ding", platform: .dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=tok123456"),
    ]

    func dispatcher(
        _ store: InMemoryOutbox, _ transport: any Transport, clock: TestClock,
        receivers: [String: Receiver] = receivers, render: @escaping Dispatcher.Render = renderIDs,
        logger: Logger = Logger(label: "test"), metrics: DeliveryMetrics = .init(factory: TestMetrics())
    ) -> Dispatcher {
        Dispatcher(
            store: store, transport: transport, receiverLookup: { receivers[$0] }, render: render,
            redactor: { SecretSet(receivers: Array(receivers.values)) }, clock: clock, now: { clock.date },
            random: { 0.5 }, logger: logger, metrics: metrics)
    }

    @Test("Delivers, grouping rows with the same receiver, rule and group key into one message")
    func deliversAndGroups() async throws {
        let clock = TestClock()
        let store = InMemoryOutbox([
            Fixtures.row(1, groupKey: "inv-1"), Fixtures.row(2), Fixtures.row(3, groupKey: "inv-1"),
        ])
        let transport = ScriptedTransport(clock: clock)
        let claimed = try await dispatcher(store, transport, clock: clock).deliverDue()
        #expect(claimed == 3)
        #expect(transport.sent.map(\.body).sorted() == ["evt_1,evt_3", "evt_2"])
        #expect(transport.sent.contains { $0.key == "evt_2:ops" })
        #expect(await store.states() == [1: .delivered, 2: .delivered, 3: .delivered])
    }

    @Test("A transient failure is retried at the scheduled time, then delivered")
    func retries() async throws {
        let clock = TestClock()
        let store = InMemoryOutbox([Fixtures.row(1)])
        let transport = ScriptedTransport([.transient("HTTP 500")], clock: clock)
        let dispatcher = dispatcher(store, transport, clock: clock)
        try await dispatcher.deliverDue()
        let retry = try #require(await store.row(1))
        #expect(retry.state == .pending)
        #expect(retry.attempts == 1)
        #expect(retry.lastError == "HTTP 500")
        #expect(retry.nextAttemptAt == Fixtures.epoch.addingTimeInterval(2.5))  // random 0.5 × 5 s
        #expect(try await dispatcher.deliverDue() == 0)  // not due yet
        clock.advance(by: .seconds(3))
        try await dispatcher.deliverDue()
        #expect(await store.row(1)?.state == .delivered)
        #expect(transport.sent.count == 2)
        #expect(transport.sent.map(\.key) == ["evt_1:ops", "evt_1:ops"])  // same idempotency key
    }

    @Test("Dead letters: permanent failures, render errors, retries past the age limit; removed receivers are held")
    func deadLetters() async throws {
        let clock = TestClock()
        let metrics = TestMetrics()
        let store = InMemoryOutbox([
            Fixtures.row(1), Fixtures.row(2, receiver: "gone"), Fixtures.row(3, receiver: "ding"),
            Fixtures.row(4, receiver: "ops", attempts: 11, createdAt: Fixtures.epoch.addingTimeInterval(-86_400)),
        ])
        struct TemplateError: Error, CustomStringConvertible { var description = "unknown variable {{nope}}" }
        let render: Dispatcher.Render = { batch, receiver in
            if batch.receiver == "ding" { throw TemplateError() }
            return try renderIDs(batch, receiver)
        }
        let transport = ScriptedTransport(
            byBody: ["evt_1": .permanent("HTTP 404"), "evt_4": .transient("HTTP 503")], clock: clock)
        try await dispatcher(store, transport, clock: clock, render: render, metrics: .init(factory: metrics))
            .deliverDue()
        let rows = await store.rows
        #expect(rows.mapValues(\.state) == [1: .dead, 2: .held, 3: .dead, 4: .dead])
        #expect(rows[1]?.lastError == "HTTP 404")
        #expect(rows[2]?.lastError == "receiver gone is not in the rules file: held until it returns (dead after 24 h)")
        #expect(rows[2]?.attempts == 0)
        #expect(rows[3]?.lastError == "render failed: unknown variable {{nope}}")
        #expect(rows[4]?.lastError == "gave up after 24 h (12 attempts): HTTP 503")
        #expect(metrics.counterTotal(label: "tattle_dead_letters_total") == 3)
        #expect(metrics.counterTotal(label: "tattle_deliveries_total", dimensions: [("receiver", "ops"), ("outcome", "permanent")]) == 1)
    }

    @Test("DingTalk's 20/min: a burst of 20, then one every 3 s on the injected clock")
    func rateLimit() async throws {
        let clock = TestClock()
        let store = InMemoryOutbox((1...25).map { Fixtures.row($0, receiver: "ding") })
        let transport = ScriptedTransport(clock: clock)
        try await dispatcher(store, transport, clock: clock).deliverDue()
        let times = transport.sent.map { $0.at.timeIntervalSince(Fixtures.epoch) }
        #expect(times.count == 25)
        #expect(times.prefix(20).allSatisfy { $0 == 0 })
        for (index, time) in times.dropFirst(20).enumerated() {
            #expect(abs(time - Double(index + 1) * 3) < 0.01)
        }
        #expect(transport.sent.map(\.body) == (1...25).map { "evt_\($0)" })  // arrival order
    }

    @Test("A backlog beyond a minute's quota is folded into one digest; nothing is dropped")
    func digest() async throws {
        let clock = TestClock()
        let store = InMemoryOutbox((1...100).map { Fixtures.row($0, receiver: "ding") })
        let transport = ScriptedTransport(clock: clock)
        try await dispatcher(store, transport, clock: clock).deliverDue()
        let sent = transport.sent
        #expect(sent.count == 40)  // 20 tokens now + 20 refilled within the minute
        let digest = try #require(sent.last)
        #expect(digest.body.hasPrefix("digest:"))
        #expect(digest.body.split(separator: ",").count == 61)
        #expect(await store.states().values.allSatisfy { $0 == .delivered })
    }

    @Test("A throttle answer pauses the receiver; a long pause parks the rest back in the outbox")
    func throttlePause() async throws {
        let clock = TestClock()
        let store = InMemoryOutbox((1...3).map { Fixtures.row($0, receiver: "ding") })
        let transport = ScriptedTransport([.rateLimited(retryAfter: .seconds(600))], clock: clock)
        try await dispatcher(store, transport, clock: clock).deliverDue()
        #expect(transport.sent.count == 1)
        let rows = await store.rows
        #expect(rows[1]?.nextAttemptAt == Fixtures.epoch.addingTimeInterval(600))
        #expect(rows[2]?.state == .pending)
        #expect(rows[3]?.nextAttemptAt == Fixtures.epoch.addingTimeInterval(600))
    }

    @Test("run(): wake() after a commit sends without waiting for the poll; shutdown() ends it", .timeLimit(.minutes(2)))
    func runAndWake() async throws {
        let store = InMemoryOutbox()
        let transport = ScriptedTransport()
        let dispatcher = Dispatcher(
            store: store, transport: transport, receiverLookup: { Self.receivers[$0] }, render: renderIDs,
            configuration: .init(idlePollInterval: .seconds(3600)), metrics: .init(factory: TestMetrics()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            try await Task.sleep(for: .milliseconds(100))  // let it reach its idle wait (an hour long)
            await store.insert(Fixtures.row(7, createdAt: Date()))
            dispatcher.wake()
            while await store.row(7)?.state != .delivered { try await Task.sleep(for: .milliseconds(5)) }
            dispatcher.shutdown()
            try await group.waitForAll()
        }
        #expect(transport.sent.map(\.body) == ["evt_7"])
    }

    @Test("run() recovers rows left in flight by a previous process", .timeLimit(.minutes(2)))
    func recovers() async throws {
        var stuck = Fixtures.row(9, createdAt: Date())
        stuck.state = .inFlight
        let store = InMemoryOutbox([stuck])
        let transport = ScriptedTransport()
        let dispatcher = Dispatcher(
            store: store, transport: transport, receiverLookup: { Self.receivers[$0] }, render: renderIDs,
            metrics: .init(factory: TestMetrics()))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await dispatcher.run() }
            while await store.row(9)?.state != .delivered { try await Task.sleep(for: .milliseconds(5)) }
            dispatcher.shutdown()
            try await group.waitForAll()
        }
        #expect(transport.sent.count == 1)
    }

    @Test("Logs carry receiver names and event ids, never URLs or tokens")
    func logsAreClean() async throws {
        let clock = TestClock()
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        let store = InMemoryOutbox([Fixtures.row(1), Fixtures.row(2, receiver: "ding")])
        let leaky = ScriptedTransport(
            byBody: [
                "evt_1": .permanent("POST https://hooks.example.com/t/SECRET-TOKEN-123 failed"),
                "evt_2": .transient("oapi.dingtalk.com/robot/send?access_token=tok123456 reset"),
            ], clock: clock)
        try await dispatcher(store, leaky, clock: clock, logger: logger).deliverDue()
        let logged = handler.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(logged.contains("evt_1") && logged.contains("ops"))
        for secret in ["SECRET-TOKEN-123", "tok123456"] {
            #expect(!logged.contains(secret))
            #expect(await store.rows.values.allSatisfy { $0.lastError?.contains(secret) != true })
        }
    }
}
