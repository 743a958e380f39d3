/// A failure of a test helper: a server that did not start, a wait that ran out.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong, with what to do about it when known.
    public var description: String

    /// Makes an error with a message.
    public init(_ description: String) {
        self.description = description
    }
}
