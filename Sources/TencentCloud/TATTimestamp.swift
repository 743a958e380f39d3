import Foundation

/// A TAT time field: decodes any form `TATTimeFormat.parse` accepts, and decodes to nil (instead of
/// failing the whole page) when the value is missing, null, not a string, or unparseable.
/// Encodes as the API writes times, `yyyy-MM-dd'T'HH:mm:ss'+00:00'`, or `null` when nil.
@propertyWrapper
public struct TATTimestamp: Codable, Sendable, Hashable {
    /// The time, nil when absent or unparseable.
    public var wrappedValue: Date?

    /// Wraps a time (default nil).
    public init(wrappedValue: Date? = nil) { self.wrappedValue = wrappedValue }

    /// Decodes leniently: null, a non-string or an unparseable string give nil.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            wrappedValue = nil
        } else if let text = try? container.decode(String.self) {
            wrappedValue = TATTimeFormat.parse(text)
        } else {
            wrappedValue = nil
        }
    }

    /// Encodes `yyyy-MM-dd'T'HH:mm:ss'+00:00'`, or null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let date = wrappedValue {
            try container.encode(TATTimeFormat.format(date))
        } else {
            try container.encodeNil()
        }
    }
}

extension KeyedDecodingContainer {
    /// Lets a missing key decode as a nil `TATTimestamp` instead of throwing `keyNotFound`.
    public func decode(_ type: TATTimestamp.Type, forKey key: Key) throws -> TATTimestamp {
        try decodeIfPresent(type, forKey: key) ?? TATTimestamp()
    }
}
