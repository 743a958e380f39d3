/// Why a message could not be rendered. Never retryable: the same input renders the same way.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownReceiver, noEvents, missingURL, invalidTemplateOutput, unresolvedReference
    }

    private let code: Code
    /// What went wrong (never includes a URL or secret).
    public let message: String

    /// Always false: rendering is deterministic.
    public var isRetryable: Bool { false }
    public var description: String { message }

    static func unknownReceiver(_ name: String) -> Self {
        .init(code: .unknownReceiver, message: "unknown receiver \"\(name)\"")
    }
    static let noEvents = Self(code: .noEvents, message: "nothing to render: no events")
    static func missingURL(_ name: String) -> Self {
        .init(code: .missingURL, message: "receiver \"\(name)\" has no URL")
    }
    static func invalidTemplateOutput(_ name: String, _ detail: String) -> Self {
        .init(
            code: .invalidTemplateOutput,
            message: "bodyTemplate of receiver \"\(name)\" did not produce valid JSON: \(detail)")
    }
    static func unresolved(_ name: String, _ references: [String]) -> Self {
        .init(
            code: .unresolvedReference,
            message: "receiver \"\(name)\" has unresolved references: \(references.joined(separator: ", "))")
    }

    /// Whether the error comes from a `format: template` body that is not valid JSON.
    public var isInvalidTemplateOutput: Bool { code == .invalidTemplateOutput }
}
