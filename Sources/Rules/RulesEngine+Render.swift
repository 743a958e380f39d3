import Events

extension RulesEngine {
    /// Renders the message for a batch of events that one rule sends to one receiver: one event, or
    /// every event of a group (same receiver, rule and group key, due together). Called by delivery
    /// at send time.
    ///
    /// A rule that no longer exists (removed by a reload) renders with the default templates.
    /// - Throws: ``RenderError`` (never retryable) for an unknown receiver, no events, a receiver
    ///   with unresolved references, or a `format: template` body that is not valid JSON.
    public func render(rule: String, receiver: String, events: [Event], isRecovery: Bool) throws(RenderError)
        -> RenderedMessage
    {
        guard let target = renderTargets[receiver] else { throw .unknownReceiver(receiver) }
        return try withRule(named: rule) { rule throws(RenderError) in
            try Renderer.render(
                rule: rule, receiver: target.config, headers: target.headers, events: events, isRecovery: isRecovery)
        }
    }

    /// The title and body text a receiver would get, before the platform preset (for previews).
    public func renderText(rule: String, receiver: String, events: [Event], isRecovery: Bool) throws(RenderError)
        -> (title: String, body: String)
    {
        guard let config = ruleSet.receiverConfigs[receiver] else { throw .unknownReceiver(receiver) }
        guard !events.isEmpty else { throw .noEvents }
        let text = withRule(named: rule) { rule in
            Renderer.text(rule: rule, receiver: config, events: events, isRecovery: isRecovery)
        }
        return (text.title, text.body)
    }
}
