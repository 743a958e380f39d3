import Foundation

/// Credentials from the SDKs' profile file: INI, section `[default]` (or another named one), keys
/// `secret_id` and `secret_key`.
///
/// The file is `TENCENTCLOUD_CREDENTIALS_FILE` when set (it must then exist), else
/// `~/.tencentcloud/credentials`, else `/etc/tencentcloud/credentials`; none present: nil.
public struct ProfileCredentialSource: CredentialSource {
    /// The variable naming the profile file.
    public static let fileVariable = "TENCENTCLOUD_CREDENTIALS_FILE"
    /// The system-wide profile file, tried last.
    public static let systemFile = "/etc/tencentcloud/credentials"

    /// The variables read (`TENCENTCLOUD_CREDENTIALS_FILE`, `HOME`). Default: the process environment.
    public var environment: [String: String]
    /// The system-wide file. Default ``systemFile``.
    public var systemFile: String
    /// The INI section holding the key pair. Default `default`.
    public var section: String

    /// Reads from `environment` (default: the process environment).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        systemFile: String = ProfileCredentialSource.systemFile, section: String = "default"
    ) {
        self.environment = environment
        self.systemFile = systemFile
        self.section = section
    }

    /// The files tried, in order.
    public var candidates: [String] {
        if let file = environment[Self.fileVariable], !file.isEmpty { return [file] }
        var files: [String] = []
        if let home = environment["HOME"], !home.isEmpty { files.append(home + "/.tencentcloud/credentials") }
        files.append(systemFile)
        return files
    }

    /// `profile file <path>` (the first candidate that exists), plus `[section]` when not `default`.
    public var name: String {
        "profile file " + (candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0])
            + (section == "default" ? "" : " [\(section)]")
    }

    /// The key pair of ``section`` (default `[default]`) of the first file that exists, or nil when none does.
    public func resolve() throws(CredentialError) -> ExpiringCredentials? {
        let explicit = !(environment[Self.fileVariable] ?? "").isEmpty
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            if explicit {
                throw CredentialError(
                    .misconfigured, "\(Self.fileVariable) names \(candidates[0]), which does not exist")
            }
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError(.misconfigured, "cannot read the profile file \(path) (check its permissions)")
        }
        let values = Self.parse(String(decoding: data, as: UTF8.self), section: section)
        guard let id = values["secret_id"], !id.isEmpty, let key = values["secret_key"], !key.isEmpty else {
            throw CredentialError(
                .misconfigured, "the profile file \(path) has no [\(section)] section with secret_id and secret_key")
        }
        return ExpiringCredentials(Credentials(secretId: id, secretKey: key))
    }

    /// The `key = value` pairs of one INI section (keys lower-cased; `#` and `;` lines are comments).
    static func parse(_ text: String, section wanted: String) -> [String: String] {
        var section = ""
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == wanted, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}
