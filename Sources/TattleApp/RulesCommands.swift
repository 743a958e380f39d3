import Events
import Foundation
import Outbox
import Rules
import Secrets

/// The work behind `tattle check` and `tattle test-rule`: text to print and an exit status, so the
/// executable only parses arguments.
public enum RulesCommands {
    /// What a command prints and how it exits.
    public struct Output: Sendable {
        /// Text for standard output (ends with a newline).
        public var text: String
        /// Process exit status: 0 success, 1 problems found, 2 unreadable input.
        public var exitStatus: Int32
    }

    /// `tattle check FILE`: every diagnostic as `FILE:LINE:COL: error|warning: PATH: message` (the
    /// compiler convention), then a summary, or all of it as JSON; exit 1 on errors. Unset
    /// `${env:…}` references are warnings unless `strictEnv`.
    public static func check(
        path: String, strictEnv: Bool = false, format: CheckReport.Format = .text,
        resolver: any ReferenceResolver = ProcessReferenceResolver()
    ) -> Output {
        guard let data = FileManager.default.contents(atPath: path) else {
            let diagnostic = Diagnostic(.error, path: "$", message: "cannot read the file")
            let report = CheckReport(file: path, diagnostics: [diagnostic], ruleSet: nil, format: format)
            return Output(text: report.text, exitStatus: 2)
        }
        let (ruleSet, diagnostics) = RuleSet.load(
            data: data, resolver: resolver, references: strictEnv ? .failIfUsed : .warn)
        let report = CheckReport(file: path, diagnostics: diagnostics, ruleSet: ruleSet, format: format)
        return Output(text: report.text, exitStatus: report.exitStatus)
    }

    /// `tattle test-rule FILE --event EVENT.json [--now ISO8601]`: which rules match, which are
    /// muted, throttled or grouped and why, and the exact payload each receiver would get (URLs
    /// redacted). Nothing is sent.
    ///
    /// - Parameters:
    ///   - now: Evaluation time; default the event's `detectedAt`.
    ///   - assumeFailing: Pretend every command was failing, to preview recovery notices.
    ///   - silences: The silences to check the event against (the caller reads the active ones
    ///     from the state database); the first that matches is reported, and every notification
    ///     would be recorded as silenced instead of sent.
    public static func testRule(
        rulesPath: String, eventPath: String, now: Date? = nil, assumeFailing: Bool = false,
        silences: [Silence] = [], resolver: any ReferenceResolver = ProcessReferenceResolver()
    ) -> Output {
        guard let rulesData = FileManager.default.contents(atPath: rulesPath) else {
            return Output(text: "\(rulesPath): error: cannot read the file\n", exitStatus: 2)
        }
        guard let eventData = FileManager.default.contents(atPath: eventPath) else {
            return Output(text: "\(eventPath): error: cannot read the file\n", exitStatus: 2)
        }
        let event: Event
        do {
            event = try Event.decoder.decode(Event.self, from: eventData)
        } catch {
            return Output(text: "\(eventPath): error: not an event: \(describe(error))\n", exitStatus: 2)
        }
        let (loaded, diagnostics) = RuleSet.load(data: rulesData, resolver: resolver, references: .warn)
        var text = ""
        guard let ruleSet = loaded else {
            return Output(
                text: CheckReport(file: rulesPath, diagnostics: diagnostics, ruleSet: nil).text, exitStatus: 1)
        }
        for diagnostic in diagnostics.listed() { text += diagnostic.compilerLine(file: rulesPath) + "\n" }
        let engine = RulesEngine(ruleSet: ruleSet.ignoringMissingReferences())
        let at = now ?? event.detectedAt
        let memory = PreviewMemory(assumeFailing: assumeFailing)
        let evaluation = engine.evaluate(event, now: at, memory: memory, explain: true)

        text +=
            "Event \(event.id): \(event.type) \(event.previousStatus?.rawValue ?? "∅") → \(event.status) (\(event.unitLabel)) at \(at.formatted(.iso8601))\n\n"
        for trace in evaluation.trace { text += "  " + trace.description + "\n" }
        if evaluation.dispatches.isEmpty {
            text += "\nNo receiver would be notified.\n"
            return Output(text: text, exitStatus: 0)
        }
        if let silence = SilenceSet(silences).silence(for: event) {
            text +=
                "\nSilenced by \(silence.id) (\(SilenceCommands.describe(silence.matchers)), until "
                + "\(SilenceCommands.format(silence.endsAt)), by \(silence.createdBy)"
                + (silence.comment.isEmpty ? "" : ": \(silence.comment)")
                + "): every notification below would be recorded as silenced, not sent.\n"
        } else if !silences.isEmpty {
            text += "\nNone of the \(silences.count) active silences matches.\n"
        }
        var status: Int32 = 0
        for dispatch in evaluation.dispatches {
            let config = ruleSet.receiverConfigs[dispatch.receiver]
            text +=
                "\n=== \(dispatch.receiver) (\(config?.receiver.platform.rawValue ?? "?")) via rule \"\(dispatch.rule)\""
            text += dispatch.isRecovery ? ", recovery" : ""
            text += dispatch.groupKey.isEmpty ? "" : ", group \"\(dispatch.groupKey)\""
            text += ", not before \(dispatch.notBefore.formatted(.iso8601))\n"
            if let missing = config?.missingReferences, !missing.isEmpty {
                text +=
                    "(unresolved: \(missing.joined(separator: ", ")); the daemon would refuse to start with this receiver)\n"
            }
            do {
                let message = try engine.render(
                    rule: dispatch.rule, receiver: dispatch.receiver, events: [event], isRecovery: dispatch.isRecovery)
                // Scrubbed with the rules load's one secret set, as the status pages show payloads.
                text += engine.secrets.scrub(describe(message))
            } catch {
                text += "render error: \(error.message)\n"
                status = 1
            }
        }
        return Output(text: text, exitStatus: status)
    }

    static func describe(_ message: RenderedMessage) -> String {
        switch message {
        case .webhook(let webhook):
            var text = "\(webhook.method) \(SecretSet.origin(webhook.url))\n"
            for (name, value) in webhook.headers.sorted(by: { $0.key < $1.key }) {
                let sensitive = ["authorization", "cookie", "x-api-key"].contains(name.lowercased())
                text += "\(name): \(sensitive ? "…" : value)\n"
            }
            text += "\n" + pretty(webhook.body) + "\n"
            return text
        case .email(let mail):
            var text = "Subject: \(mail.subject)\n\n\(mail.text)\n"
            if let html = mail.html { text += "\n--- HTML ---\n\(html)\n" }
            return text
        }
    }

    /// The body as indented JSON with sorted keys (or as text when it is not JSON).
    static func pretty(_ body: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]),
            let data = try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return String(decoding: body, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \(path(context.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "\(path(context.codingPath)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        default: "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}

/// Noise memory for previews: nothing notified yet; optionally every command failing.
private struct PreviewMemory: NoiseMemory {
    var assumeFailing: Bool
    func lastNotified(rule: String, groupKey: String) -> Date? { nil }
    func isFailing(key: String) -> Bool { assumeFailing }
}
