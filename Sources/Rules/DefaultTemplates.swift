/// The built-in title and body templates, used when neither the receiver nor the rule overrides them.
/// Bodies are plain text that also reads well where the platform renders Markdown.
enum DefaultTemplates {
    static let title = "{{statusEmoji}} {{title}}"

    /// One event: what, where, which instances (the first few with their error and output tail,
    /// the rest by id after "and K more"), the error and the output tail.
    static let body = """
        {{statusEmoji}} {{title}}
        Command: {{commandName}}{{#invocation.commandId}} ({{.}}){{/invocation.commandId}}
        Invocation: {{invocation.id}} · Region: {{region}}
        Status: {{statusTransition}}{{#stuck}} for {{duration}} (limit {{limit}}){{/stuck}}
        {{#invocation.description}}
        Description: {{.}}
        {{/invocation.description}}
        {{#detailedInstances}}
        - {{instanceId}}: {{status}}{{#exitCode}} (exit code {{.}}){{/exitCode}}{{#errorInfo}} — {{.}}{{/errorInfo}}
        {{#outputTail}}
        ```
        {{{.}}}
        ```
        {{/outputTail}}
        {{/detailedInstances}}
        {{#moreInstances}}
        … and {{count}} more{{#ids}}: {{.}}{{/ids}}
        {{/moreInstances}}
        {{#outputTail}}
        Output (last part{{#outputOmittedBytes}}, {{.}} bytes before omitted{{/outputOmittedBytes}}):
        ```
        {{{.}}}
        ```
        {{/outputTail}}
        {{console}}
        """

    /// A group of events.
    static let groupBody = """
        {{statusEmoji}} {{title}}
        {{count}} events{{#hasFailures}}, {{failedCount}} failed instances{{/hasFailures}}:
        {{#events}}
        - {{title}}{{#errorInfo}} — {{.}}{{/errorInfo}}
        {{/events}}
        {{#outputTail}}
        Output of the first (last part):
        ```
        {{{.}}}
        ```
        {{/outputTail}}
        {{console}}
        """

    /// A recovery notice.
    static let recoveryBody = """
        {{statusEmoji}} {{title}}
        Command: {{commandName}}{{#invocation.commandId}} ({{.}}){{/invocation.commandId}}
        Invocation: {{invocation.id}} · Region: {{region}}
        Status: {{statusTransition}}
        {{console}}
        """

    /// Email HTML alternative: the text body in a preformatted block (HTML-escaped).
    static let html = """
        <html><body>
        <h2>{{title}}</h2>
        <pre style="white-space: pre-wrap; font-family: monospace">{{body}}</pre>
        <p><a href="{{console}}">Open the TAT console</a></p>
        </body></html>
        """
}
