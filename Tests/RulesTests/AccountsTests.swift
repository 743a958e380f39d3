import Events
import Foundation
import Outbox
import Testing

@testable import Rules

@Suite("Rules: accounts")
struct AccountsTests {
    static let file = #"""
        {"version": 1,
         "accounts": [
           {"name": "prod", "regions": ["ap-guangzhou", "ap-shanghai"],
            "credentials": {"source": "environment", "secretIdVariable": "PROD_SECRET_ID",
                            "secretKeyVariable": "PROD_SECRET_KEY", "sessionTokenVariable": "PROD_TOKEN"}},
           {"name": "staging", "credentials": {"source": "profile", "file": "/etc/tattle/staging.ini", "profile": "staging"}},
           {"name": "pod", "regions": [], "credentials": {"source": "tke-oidc"}},
           {"name": "node", "regions": ["ap-singapore"], "credentials": {"source": "cvm-role", "role": "tattle-reader"}},
           {"name": "audit", "regions": ["na-ashburn"], "endpoint": "https://tat.intl.tencentcloudapi.com",
            "credentials": {"source": "assume-role", "roleArn": "qcs::cam::uin/100000000002:roleName/tattle-reader",
                            "base": "pod", "durationSeconds": 3600}},
           {"name": "default"}
         ],
         "receivers": {"hook": {"type": "webhook", "url": "https://hooks.example.com/x",
                                "format": "template", "bodyTemplate": "{\"where\": \"{{account}}/{{region}}\"}"}},
         "rules": [{"name": "prod-only", "match": {"account": "prod"}, "receivers": ["hook"]}]}
        """#

    @Test("every credential source of the chain and an assumed role load as written")
    func sectionLoads() throws {
        let (loaded, diagnostics) = Support.load(Self.file)
        let ruleSet = try #require(loaded, "\(diagnostics)")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(
            ruleSet.accounts == [
                Account(
                    name: "prod", regions: ["ap-guangzhou", "ap-shanghai"],
                    credentials: .environment(
                        secretIdVariable: "PROD_SECRET_ID", secretKeyVariable: "PROD_SECRET_KEY",
                        sessionTokenVariable: "PROD_TOKEN")),
                Account(name: "staging", credentials: .profile(file: "/etc/tattle/staging.ini", section: "staging")),
                Account(name: "pod", regions: [], credentials: .tkeOIDC(roleArn: nil)),
                Account(name: "node", regions: ["ap-singapore"], credentials: .cvmRole(role: "tattle-reader")),
                Account(
                    name: "audit", regions: ["na-ashburn"],
                    credentials: .assumeRole(
                        roleArn: "qcs::cam::uin/100000000002:roleName/tattle-reader", base: "pod", sessionName: nil,
                        durationSeconds: 3600),
                    endpoint: "https://tat.intl.tencentcloudapi.com"),
                Account(name: "default"),
            ])
        #expect(ruleSet.effectiveAccounts == ruleSet.accounts)
        #expect(ruleSet.accounts?[1].regions(default: ["ap-beijing"]) == ["ap-beijing"])
        let report = CheckReport(file: "rules.json", diagnostics: diagnostics, ruleSet: ruleSet)
        #expect(report.text == "OK: 1 rule, 1 receiver, 6 accounts; no problems\n")
    }

    @Test("a file without accounts watches the one implicit account through the credential chain")
    func implicitAccount() throws {
        let (loaded, _) = Support.load(
            Support.rulesFile(rules: #"[{"name": "r", "match": {}, "receivers": ["hook"]}]"#))
        let ruleSet = try #require(loaded)
        #expect(ruleSet.accounts == nil)
        #expect(ruleSet.effectiveAccounts == [Account(name: "default", regions: nil, credentials: .chain)])
    }

    @Test("a rule matching an account the file does not have warns, with a suggestion")
    func unknownAccountInRule() throws {
        let text = Self.file.replacingOccurrences(of: #"{"account": "prod"}"#, with: #"{"account": ["prod", "prd"]}"#)
        let (loaded, diagnostics) = Support.load(text)
        #expect(loaded != nil)
        #expect(
            diagnostics.map(\.description).contains {
                $0.hasPrefix("rules[0].match.account[1]")
                    && $0.contains(#"warning: "prd" is not an account of this file (did you mean "prod"?)"#)
            }, "\(diagnostics)")
    }

    @Test("rules match on account and templates render it")
    func matchAndRender() throws {
        let (loaded, diagnostics) = Support.load(Self.file)
        let engine = RulesEngine(ruleSet: try #require(loaded, "\(diagnostics)"))
        var prod = Support.event()
        prod.account = "prod"
        var staging = Support.event(invocationId: "inv-2")
        staging.account = "staging"
        let unlabelled = Support.event(invocationId: "inv-3")
        let evaluation = engine.evaluate([prod, staging, unlabelled], now: Support.t0, memory: InMemoryNoiseMemory())
        #expect(evaluation.dispatches.map(\.eventId) == [prod.id])
        let message = try engine.render(rule: "prod-only", receiver: "hook", events: [prod], isRecovery: false)
        guard case .webhook(let webhook) = message else {
            Issue.record("not a webhook: \(message)")
            return
        }
        #expect(String(decoding: webhook.body, as: UTF8.self) == #"{"where": "prod/ap-guangzhou"}"#)
    }

    @Test("a silence can match one account")
    func silence() throws {
        let matcher = try SilenceMatcher(parsing: "account=stag*")
        let silences = SilenceSet([
            Silence(matchers: [matcher], startsAt: Support.t0, endsAt: Support.t0 + 3600, createdBy: "test")
        ])
        var staging = Support.event()
        staging.account = "staging"
        var prod = Support.event()
        prod.account = "prod"
        #expect(silences.silence(for: staging) != nil)
        #expect(silences.silence(for: prod) == nil)
        #expect(silences.silence(for: Support.event()) == nil, "an event without an account is not silenced")
    }

    @Test("the event JSON carries account when set and omits it when not")
    func eventJSON() throws {
        var event = Support.event()
        let plain = String(decoding: try Event.encoder.encode(event), as: UTF8.self)
        #expect(!plain.contains("\"account\""))
        event.account = "prod"
        let data = try Event.encoder.encode(event)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix(#"{"account":"prod","#))
        #expect(try Event.decoder.decode(Event.self, from: data) == event)
    }
}
