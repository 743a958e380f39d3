import Foundation
import Logging
import Synchronization

/// A swift-log handler writing to standard error as JSON lines or text, scrubbing secrets.
public struct StderrLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    let format: LogFormat
    let scrubber: SecretScrubber

    private static let lock = Mutex(())

    public init(label: String, format: LogFormat, scrubber: SecretScrubber) {
        self.label = label
        self.format = format.resolved
        self.scrubber = scrubber
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error"] = "\(error)" }
        let line = Self.format(
            level: event.level, label: label, message: event.message.description, metadata: merged, format: format,
            date: Date())
        let scrubbed = scrubber.scrub(line) + "\n"
        Self.lock.withLock { _ in
            FileHandle.standardError.write(Data(scrubbed.utf8))
        }
    }

    /// Formats one line (exposed for tests).
    static func format(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, format: LogFormat, date: Date
    ) -> String {
        let timestamp = date.formatted(.iso8601)
        switch format {
        case .json, .auto:
            var object: [String: Any] = ["ts": timestamp, "level": level.rawValue, "label": label, "msg": message]
            for (key, value) in metadata where object[key] == nil { object[key] = Self.jsonValue(value) }
            let data =
                (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
                ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .text:
            let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(timestamp) \(level.rawValue) \(label): \(message)" + (fields.isEmpty ? "" : " " + fields)
        }
    }

    private static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): array.map(jsonValue)
        case .dictionary(let dictionary): dictionary.mapValues(jsonValue)
        }
    }
}
