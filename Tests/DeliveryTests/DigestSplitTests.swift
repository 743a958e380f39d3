import Curl
import Delivery
import Events
import Foundation
import Outbox
import Rules
import Store
import Testing

/// Digest splitting with the real rules engine and platform presets, CJK text (3 bytes a character),
/// measured on the final bytes each platform counts. The piece sizes are golden: a change in the
/// presets or the default text shows up here.
@Suite("Digest splitting at the platform limits")
struct DigestSplitTests {
    static let rules = #"""
        {
          "version": 1,
          "receivers": {
            "wecom-text": { "type": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" },
            "wecom-md": { "type": "wecom", "format": "markdown", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k" },
            "dingtalk": { "type": "dingtalk", "secret": "SEC123", "url": "https://oapi.dingtalk.com/robot/send?access_token=t" },
            "feishu": { "type": "feishu", "secret": "feishu-secret", "url": "https://open.feishu.cn/open-apis/bot/v2/hook/x" },
            "slack": { "type": "slack", "url": "https://hooks.slack.com/services/T/B/X" },
            "discord": { "type": "discord", "url": "https://discord.com/api/webhooks/1/tok" },
            "teams": { "type": "teams", "url": "https://prod.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=s" },
            "audit": { "type": "webhook", "format": "event", "maxBodyBytes": 16384, "url": "https://audit.example.com/in" }
          },
          "rules": [
            { "name": "all", "match": {}, "receivers": ["wecom-text", "wecom-md", "dingtalk", "feishu", "slack", "discord", "teams", "audit"] }
          ]
        }
        """#

    static let engine: RulesEngine = {
        let (ruleSet, diagnostics) = RuleSet.load(data: Data(rules.utf8))
        guard let ruleSet else { fatalError("test rules do not load: \(diagnostics)") }
        return RulesEngine(ruleSet: ruleSet)
    }()

    /// A failed task of a CJK-named command with a CJK error: about 150 bytes per digest line.
    static func event(_ n: Int) -> Event {
        Event(
            id: "evt_\(n)", type: .taskStatusChanged, region: "ap-shanghai", detectedAt: Fixtures.epoch,
            previousStatus: "RUNNING", status: "FAILED",
            invocation: InvocationInfo(
                id: "inv-\(n)", status: "FAILED", metadata: InvocationMetadata(commandName: "部署-订单服务-\(n)"),
                instanceCount: 1
            ),
            task: TaskInfo(
                id: "invt-\(n)", instanceId: "ins-\(n)", status: "FAILED",
                details: TaskDetails(exitCode: 1, errorInfo: "部署失败：镜像拉取错误，连接被拒绝（第\(n)次）")
            ))
    }

    static func rows(_ count: Int, receiver: String) -> [OutboxRow] {
        (1...count).map { n in
            OutboxRow(
                id: Int64(n),
                dispatch: Dispatch(eventId: "evt_\(n)", receiver: receiver, rule: "all", notBefore: Fixtures.epoch),
                event: event(n), state: .inFlight, attempts: 0, nextAttemptAt: Fixtures.epoch, createdAt: Fixtures.epoch)
        }
    }

    static func render(_ batch: DeliveryBatch, _ receiver: Receiver) throws -> RenderedMessage {
        try engine.render(rule: batch.rule, receiver: receiver.name, events: batch.events, isRecovery: false)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var receiver: String
        var pieces: [Int]
        var testDescription: String { receiver }
    }

    static let cases: [Case] = [
        Case(receiver: "wecom-text", pieces: Array(repeating: 13, count: 23) + [1]),
        Case(receiver: "wecom-md", pieces: [28, 28, 28] + Array(repeating: 27, count: 8)),
        Case(receiver: "dingtalk", pieces: [141, 139, 20]),
        Case(receiver: "feishu", pieces: [143, 140, 17]),
        Case(receiver: "slack", pieces: [35, 35, 34, 33, 33, 33, 33, 33, 31]),
        Case(receiver: "discord", pieces: [48, 48, 46, 46, 46, 46, 20]),
        Case(receiver: "teams", pieces: [169, 131]),
        Case(receiver: "audit", pieces: [28] + Array(repeating: 27, count: 10) + [2]),
    ]

    @Test("A 300-event CJK backlog splits into messages within the limit, every event once, in order", arguments: cases)
    func split(item: Case) throws {
        let receiver = try #require(Self.engine.ruleSet.receivers[item.receiver])
        let limit = MessageLimit.of(receiver)
        let batch = DeliveryBatch(rows: Self.rows(300, receiver: item.receiver), isDigest: true)
        let pieces = try batch.split(render: { try Self.render($0, receiver) }) { piece, message in
            limit.fits(message, receiver: receiver, key: piece.idempotencyKey, at: Fixtures.epoch)
        }
        #expect(pieces.map(\.0.rows.count) == item.pieces)
        #expect(pieces.flatMap(\.0.ids) == batch.ids)  // every event exactly once, in order
        for (index, (piece, message)) in pieces.enumerated() {
            let size = limit.size(of: message, receiver: receiver, key: piece.idempotencyKey, at: Fixtures.epoch)
            #expect(size <= limit.bytes, "piece \(index): \(size) > \(limit.bytes)")
            #expect(limit.fits(message, receiver: receiver, key: piece.idempotencyKey, at: Fixtures.epoch))
            // Maximal: one more event would not have fitted.
            if index + 1 < pieces.count {
                let bigger = DeliveryBatch(rows: piece.rows + [pieces[index + 1].0.rows[0]], isDigest: true)
                let grown = try Self.render(bigger, receiver)
                #expect(!limit.fits(grown, receiver: receiver, key: bigger.idempotencyKey, at: Fixtures.epoch))
            }
        }
    }

    @Test("Feishu's limit is measured on the signed body: timestamp and sign fields included")
    func feishuSigned() throws {
        let receiver = try #require(Self.engine.ruleSet.receivers["feishu"])
        let batch = DeliveryBatch(rows: Self.rows(1, receiver: "feishu"))
        guard case .webhook(let message) = try Self.render(batch, receiver) else { throw TestFailure() }
        let signed = try WebhookTransport.request(
            for: message, receiver: receiver, idempotencyKey: batch.idempotencyKey, at: Fixtures.epoch)
        let text = String(decoding: signed.body, as: UTF8.self)
        #expect(text.contains("\"sign\"") && text.contains("\"timestamp\""))
        #expect(
            MessageLimit.of(receiver).size(
                of: .webhook(message), receiver: receiver, key: batch.idempotencyKey, at: Fixtures.epoch)
                == signed.body.count)
    }

    struct TestFailure: Error {}
}
