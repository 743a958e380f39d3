/// A problem with Tattle's configuration (flags, environment, files) that the operator must fix.
/// The message says what is wrong and how to fix it; it never contains a secret.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
