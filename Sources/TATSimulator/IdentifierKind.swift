/// The shapes of TAT resource ids (`inv-1vll7hda`, `invt-…`, `cmd-…`, `ins-…`/`lhins-…`/`mi-…`) and the
/// error code the API gives for a malformed one.
enum IdentifierKind: Sendable {
    case invocation
    case invocationTask
    case command
    case instance

    /// The accepted prefixes.
    var prefixes: [String] {
        switch self {
        case .invocation: ["inv-"]
        case .invocationTask: ["invt-"]
        case .command: ["cmd-"]
        case .instance: ["ins-", "lhins-", "mi-"]
        }
    }

    /// Whether `id` is a prefix followed by 8 lower-case letters or digits.
    func matches(_ id: String) -> Bool {
        for prefix in prefixes where id.hasPrefix(prefix) {
            let rest = id.utf8.dropFirst(prefix.utf8.count)
            return rest.count == 8 && rest.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
        }
        return false
    }

    /// The error for a malformed `id`.
    func invalid(_ id: String) -> APIError {
        switch self {
        case .invocation: APIError("InvalidParameterValue.InvalidInvocationId", "Invalid invocation id `\(id)`.")
        case .invocationTask:
            APIError("InvalidParameterValue.InvalidInvocationTaskId", "Invalid invocation task id `\(id)`.")
        case .command: APIError("InvalidParameterValue", "Invalid command id `\(id)`.")
        case .instance: APIError("InvalidParameterValue.InvalidInstanceId", "Invalid instance id `\(id)`.")
        }
    }
}
