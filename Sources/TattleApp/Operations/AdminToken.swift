import Foundation

/// The bearer token that unlocks the admin API's state-changing endpoints, from
/// `TATTLE_ADMIN_TOKEN` or the file named by `TATTLE_ADMIN_TOKEN_FILE` (a Kubernetes secret mount;
/// surrounding whitespace is ignored). Without either, those endpoints answer 403 and say how to
/// enable them. The token is registered with the ``SecretScrubber`` and never logged.
public struct AdminToken: Sendable {
    /// How a request's `Authorization` header compares with the configured token.
    public enum Verdict: Sendable, Hashable {
        /// No token is configured: state-changing endpoints are disabled (403).
        case disabled
        /// The header is missing or wrong (401).
        case rejected
        /// The header carries the configured token.
        case accepted
    }

    /// Shortest token accepted: 16 characters, so a guessable word cannot unlock replays.
    public static let minimumLength = 16

    /// What a 403 says.
    public static let howToEnable =
        "the admin API's state-changing endpoints are disabled: set TATTLE_ADMIN_TOKEN (or TATTLE_ADMIN_TOKEN_FILE, "
        + "a file holding the token) to a random string of at least \(minimumLength) characters, restart tattle, "
        + "and send it as 'Authorization: Bearer <token>'"

    private let token: [UInt8]?

    /// A token, or `nil` for "disabled".
    public init(_ token: String?) {
        self.token = token.map { Array($0.utf8) }
    }

    /// Whether a token is configured.
    public var isEnabled: Bool { token != nil }

    /// Reads the token from the environment; throws a ``ConfigurationError`` when both variables
    /// are set, the file cannot be read, or the token is too short.
    public static func resolve(environment: [String: String]) throws -> AdminToken {
        let direct = environment["TATTLE_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let file = environment["TATTLE_ADMIN_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let value: String
        switch (direct, file) {
        case (nil, nil): return AdminToken(nil)
        case (.some, .some):
            throw ConfigurationError("set TATTLE_ADMIN_TOKEN or TATTLE_ADMIN_TOKEN_FILE, not both")
        case (let direct?, nil): value = direct
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read TATTLE_ADMIN_TOKEN_FILE \(path)")
            }
            value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let source = direct != nil ? "TATTLE_ADMIN_TOKEN" : "the file TATTLE_ADMIN_TOKEN_FILE names"
        guard value.count >= minimumLength else {
            throw ConfigurationError("the admin token (\(source)) must be at least \(minimumLength) characters")
        }
        guard value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ConfigurationError("the admin token (\(source)) must be printable ASCII without spaces")
        }
        SecretScrubber.shared.register(value)
        return AdminToken(value)
    }

    /// Judges an `Authorization` header value (`Bearer <token>`, scheme case-insensitive).
    public func verdict(authorization: String?) -> Verdict {
        guard let token else { return .disabled }
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            return .rejected
        }
        let given = Array(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        return Self.constantTimeEquals(given, token) ? .accepted : .rejected
    }

    /// Compares in time that depends only on `expected`'s length, not on where `given` differs.
    static func constantTimeEquals(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference = UInt8(given.count == expected.count ? 0 : 1)
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
