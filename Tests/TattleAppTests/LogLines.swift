import Logging
import Synchronization

/// The messages a `Logger` wrote, for assertions: `Logger(label: "t") { _ in LogLinesHandler(lines: lines) }`.
final class LogLines: Sendable {
    private let storage = Mutex<[String]>([])
    /// Every message so far, in order.
    var all: [String] { storage.withLock { $0 } }
    func append(_ line: String) { storage.withLock { $0.append(line) } }
}

/// A log handler that appends each message (without metadata) to ``LogLines``.
struct LogLinesHandler: LogHandler {
    let lines: LogLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lines.append("\(event.message)") }
}
