/// The status of a TAT invocation as the API reports it.
///
/// A struct over the raw string rather than a closed enum: Tencent Cloud has added values over
/// time (`PARTIAL_CANCELLED` is one), and a status Tattle does not know yet must be carried through
/// to events and rules, never dropped or fatal. Values are normalised to upper case on creation
/// because the official examples mix cases.
public struct InvocationStatus: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The upper-cased wire value.
    public let rawValue: String

    /// Creates a status from its wire value; any string is accepted.
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// A literal is a wire value, e.g. `"FAILED"`.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public static let pending = Self(rawValue: "PENDING")
    public static let running = Self(rawValue: "RUNNING")
    public static let cancelling = Self(rawValue: "CANCELLING")
    public static let success = Self(rawValue: "SUCCESS")
    public static let timeout = Self(rawValue: "TIMEOUT")
    public static let failed = Self(rawValue: "FAILED")
    public static let cancelled = Self(rawValue: "CANCELLED")
    public static let partialFailed = Self(rawValue: "PARTIAL_FAILED")
    public static let partialCancelled = Self(rawValue: "PARTIAL_CANCELLED")

    /// Every value documented for API version 2020-10-28.
    public static let known: [Self] = [
        .pending, .running, .cancelling, .success, .timeout, .failed, .cancelled, .partialFailed, .partialCancelled,
    ]

    /// Whether the value is one of the documented ones.
    public var isKnown: Bool { Self.known.contains(self) }

    /// The byte the snapshot keeps for each status.
    package static let codes = StatusCode(known: known.map(\.rawValue))

    /// The status in one byte (see ``StatusCode``).
    package var code: UInt8 { Self.codes.code(rawValue) }

    /// The status a byte from ``code`` stands for.
    package init(code: UInt8) {
        self = Self.codes.isKnown(code) ? Self.known[Int(code)] : Self(rawValue: Self.codes.raw(code))
    }

    /// Whether the invocation will not change any more. Unknown values count as non-terminal, so
    /// the watcher keeps refreshing them rather than freezing on a value it cannot interpret.
    public var isTerminal: Bool {
        switch self {
        case .success, .timeout, .failed, .cancelled, .partialFailed, .partialCancelled: true
        default: false
        }
    }

    /// Whether the invocation ended with at least one instance not succeeding.
    public var isFailure: Bool {
        switch self {
        case .timeout, .failed, .partialFailed: true
        default: false
        }
    }
}
