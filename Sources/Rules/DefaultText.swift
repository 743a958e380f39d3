import Events

/// The default templates (``DefaultTemplates``) written out in Swift: the same text, without the
/// cost of interpreting Mustache for every message. `DefaultTextTests` checks that both agree.
enum DefaultText {
    static func title(_ events: [Event], isRecovery: Bool) -> String {
        var text = ""
        text.reserveCapacity(96)
        text += events.withFirst { Headline.emoji($0, isRecovery: isRecovery) }
        text += " "
        Headline.appendTitle(events: events, isRecovery: isRecovery, into: &text)
        return text
    }

    /// The default body. `title`: the default title of these events when the caller already has it.
    static func body(
        _ events: [Event], isRecovery: Bool, presentation: Presentation = Presentation(markup: .plain),
        title: String? = nil
    ) -> String {
        events.withFirst { body($0, events, isRecovery: isRecovery, presentation: presentation, title: title) }
    }

    /// ``body(_:isRecovery:presentation:title:)`` with the first event borrowed (not copied).
    private static func body(
        _ event: Event, _ events: [Event], isRecovery: Bool, presentation: Presentation, title: String?
    ) -> String {
        var text = ""
        text.reserveCapacity(512)
        text += title ?? Self.title(events, isRecovery: isRecovery)
        text += "\n"
        if isRecovery {
            header(event, into: &text, stuck: false)
        } else if events.count > 1 {
            let failed = events.reduce(0) { $0 + EventContext.failedCount($1) }
            text += "\(events.count) events" + (failed > 0 ? ", \(failed) failed instances" : "") + ":\n"
            for member in events {
                text += "- " + Headline.title([member][0], isRecovery: isRecovery)
                if let error = presentation.error(member.task?.errorInfo) { text += " — " + error }
                text += "\n"
            }
            if let output = event.task?.output.flatMap(presentation.show) {
                text += "Output of the first (last part):\n```\n" + output.text + "\n```\n"
            }
        } else {
            header(event, into: &text, stuck: true)
            if let description = event.invocation.description, !description.isEmpty {
                text += "Description: "
                text += description
                text += "\n"
            }
            for instance in EventContext.instances(event, presentation).prefix(Presentation.detailedInstances) {
                text += "- "
                text += instance.instanceId
                text += ": "
                text += instance.status
                if let code = instance.exitCode {
                    text += " (exit code "
                    text += String(code)
                    text += ")"
                }
                if let error = instance.errorInfo, !error.isEmpty {
                    text += " — "
                    text += error
                }
                text += "\n"
                if let tail = instance.outputTail {
                    text += "```\n"
                    text += tail
                    text += "\n```\n"
                }
            }
            if let more = EventContext.moreInstances(event, presentation) {
                text += "… and \(more.count) more" + (more.ids.map { ": " + $0 } ?? "") + "\n"
            }
            if let output = event.task?.output.flatMap(presentation.show) {
                text += "Output (last part"
                if output.omittedBytes > 0 { text += ", \(output.omittedBytes) bytes before omitted" }
                text += "):\n```\n"
                text += output.text
                text += "\n```\n"
            }
        }
        text += Headline.consoleURL(event)
        return Renderer.tidy(text)
    }

    private static func header(_ event: Event, into text: inout String, stuck: Bool) {
        text += "Command: "
        text += Headline.commandName(event)
        if let id = event.invocation.commandId {
            text += " ("
            text += id
            text += ")"
        }
        text += "\nInvocation: "
        text += event.invocation.id
        text += " · Region: "
        text += event.region
        text += "\nStatus: "
        if let previous = event.previousStatus {
            text += previous.rawValue
            text += " → "
        }
        text += event.status.rawValue
        if stuck, let info = event.stuck {
            text += " for \(DurationText.format(info.seconds)) (limit \(DurationText.format(info.limitSeconds)))"
        }
        text += "\n"
    }
}
