import InMemoryLogging
import Logging

/// The one log capture of the test targets: swift-log's `InMemoryLogHandler`, keeping every level,
/// with the two views tests assert on. Use it as `Logger(label: "test") { _ in logs }`; every copy
/// of the handler (and of a logger made with it) records into the same store.
extension InMemoryLogHandler {
    /// A handler that records everything from `.trace` up.
    public static func capturingAll() -> InMemoryLogHandler {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        return handler
    }

    /// Each recorded message, in order, without level or metadata.
    public var messages: [String] { entries.map(\.message.description) }

    /// Each record as `level message metadata`: what assertions that nothing secret was logged scan.
    public var lines: [String] { entries.map { "\($0.level) \($0.message) \($0.metadata)" } }
}
