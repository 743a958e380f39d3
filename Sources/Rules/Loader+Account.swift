import Events

extension Loader {
    static let accountKeys = ["name", "regions", "credentials", "endpoint"]
    /// The keys each credential source reads (besides `source`).
    static let credentialKeys: [String: [String]] = [
        "chain": [], "environment": ["secretIdVariable", "secretKeyVariable", "sessionTokenVariable"],
        "profile": ["file", "profile"], "tke-oidc": ["roleArn"], "cvm-role": ["role"],
        "assume-role": ["roleArn", "base", "sessionName", "durationSeconds"],
    ]

    /// The `accounts` array: every account checked on its own, then names, bases and regions across them.
    func loadAccounts(_ value: JSONTree) -> [Account] {
        let path = JSONPath.root + "accounts"
        guard case .array(let items) = value else {
            context.error(path, "expected an array of accounts, found \(value.typeName)")
            return []
        }
        var accounts: [Account] = []
        var paths: [String: JSONPath] = [:]
        for (index, item) in items.enumerated() {
            let itemPath = path + index
            guard let account = loadAccount(item, itemPath) else { continue }
            if let earlier = paths[account.name] {
                context.error(
                    itemPath + "name",
                    "duplicate account name \"\(account.name)\" (also \(earlier)); names must be unique")
                continue
            }
            paths[account.name] = itemPath
            accounts.append(account)
        }
        checkBases(accounts, paths: paths)
        return accounts
    }

    private func loadAccount(_ value: JSONTree, _ path: JSONPath) -> Account? {
        guard let members = context.object(value, path, allowed: Self.accountKeys) else { return nil }
        guard let name = context.string(members["name"], path + "name", resolve: false) else {
            if members["name"] == nil { context.error(path + "name", "missing \"name\": every account needs one") }
            return nil
        }
        var valid = true
        if !Self.isAccountName(name) {
            context.error(
                path + "name",
                "account names are 1 to 63 lower-case letters, digits, \"-\" or \"_\", starting with a letter "
                    + "or digit (they label events, metrics and state keys)")
            valid = false
        }
        var regions: [String]?
        if let value = members["regions"], let list = context.strings(value, path + "regions", resolve: false) {
            regions = list
            var seen: Set<String> = []
            for (index, region) in list.enumerated() {
                if !seen.insert(region).inserted {
                    context.error(path + "regions" + index, "region \"\(region)\" is listed twice")
                    valid = false
                } else if !checkRegion(region, path + "regions" + index) {
                    valid = false
                }
            }
        }
        var endpoint: String?
        if let text = context.string(members["endpoint"], path + "endpoint", resolve: false) {
            if Self.isEndpoint(text) {
                endpoint = text
            } else {
                context.error(
                    path + "endpoint",
                    "endpoint \"\(text)\" is not http(s)://host[:port] (e.g. https://tat.intl.tencentcloudapi.com)")
                valid = false
            }
        }
        var credentials = CredentialSpec.chain
        if let value = members["credentials"] {
            guard let spec = loadCredentials(value, path + "credentials", account: name) else { return nil }
            credentials = spec
        }
        guard valid else { return nil }
        return Account(name: name, regions: regions, credentials: credentials, endpoint: endpoint)
    }

    private func loadCredentials(_ value: JSONTree, _ path: JSONPath, account: String) -> CredentialSpec? {
        guard case .object(let members) = value else {
            context.error(path, "expected an object such as {\"source\": \"environment\"}, found \(value.typeName)")
            return nil
        }
        guard let source = context.string(members["source"], path + "source", resolve: false) else {
            if members["source"] == nil {
                context.error(
                    path + "source", "missing \"source\": one of \(CredentialSpec.sources.joined(separator: ", "))")
            }
            return nil
        }
        guard let keys = Self.credentialKeys[source] else {
            context.error(
                path + "source",
                "unknown credential source \"\(source)\"" + Suggest.hint(for: source, among: CredentialSpec.sources)
                    + "; use one of \(CredentialSpec.sources.joined(separator: ", "))")
            return nil
        }
        if members["roleArn"] != nil, !keys.contains("roleArn") {
            context.error(
                path + "roleArn",
                "a role ARN is assumed on top of base credentials: use \"source\": \"assume-role\" with "
                    + "\"base\": \"<account>\" (or \"tke-oidc\" to exchange the pod's token for that role)",
                atKey: true)
            return nil
        }
        let errors = context.diagnostics.count
        _ = context.object(value, path, allowed: ["source"] + keys)
        let text = { (key: String) in self.context.string(members[key], path + key, resolve: false) }
        var spec: CredentialSpec?
        switch source {
        case "chain": spec = .chain
        case "environment":
            let id = variableName(text("secretIdVariable"), path + "secretIdVariable")
            let key = variableName(text("secretKeyVariable"), path + "secretKeyVariable")
            let token = variableName(text("sessionTokenVariable"), path + "sessionTokenVariable")
            if members["secretIdVariable"] == nil || members["secretKeyVariable"] == nil {
                context.error(
                    path,
                    "an environment source names the variables holding its key pair: \"secretIdVariable\" and "
                        + "\"secretKeyVariable\" (e.g. \"PROD_SECRET_ID\", \"PROD_SECRET_KEY\")")
            } else if let id, let key {
                spec = .environment(secretIdVariable: id, secretKeyVariable: key, sessionTokenVariable: token)
            }
        case "profile":
            let file = text("file")
            if file?.isEmpty == true { context.error(path + "file", "\"file\" must not be empty") }
            spec = .profile(file: file, section: text("profile") ?? "default")
        case "tke-oidc":
            spec = .tkeOIDC(roleArn: roleArn(text("roleArn"), path + "roleArn"))
        case "cvm-role":
            spec = .cvmRole(role: text("role"))
        default:
            let arn = roleArn(text("roleArn"), path + "roleArn")
            let base = text("base")
            let duration = context.integer(members["durationSeconds"], path + "durationSeconds", range: 900...43_200)
            if members["roleArn"] == nil {
                context.error(path, "missing \"roleArn\": the role to assume, qcs::cam::uin/<uin>:roleName/<name>")
            } else if members["base"] == nil {
                context.error(
                    path + "roleArn",
                    "a role ARN without a base: add \"base\": \"<account>\", the account whose credentials "
                        + "assume the role")
            } else if let arn, let base {
                spec = .assumeRole(
                    roleArn: arn, base: base, sessionName: text("sessionName"), durationSeconds: duration)
            }
        }
        return Array(context.diagnostics[errors...]).containsErrors ? nil : spec
    }

    /// Every `base` names another account, and following bases never comes back to where it started.
    private func checkBases(_ accounts: [Account], paths: [String: JSONPath]) {
        let byName = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for account in accounts {
            guard let base = account.credentials.base, let path = paths[account.name] else { continue }
            let basePath = path + "credentials" + "base"
            guard byName[base] != nil else {
                context.error(
                    basePath,
                    "no account named \"\(base)\"" + Suggest.hint(for: base, among: Array(byName.keys).sorted()))
                continue
            }
            var chain = [account.name]
            var next: String? = base
            while let name = next, let current = byName[name] {
                if chain.contains(name) {
                    context.error(
                        basePath, "the bases go round in a circle: \((chain + [name]).joined(separator: " → "))")
                    break
                }
                chain.append(name)
                next = current.credentials.base
            }
        }
    }

    /// Whether `region` looks right: an error for a malformed name or a near miss of a known region,
    /// a warning for a well-formed name Tattle does not know (Tencent Cloud opens regions over time).
    private func checkRegion(_ region: String, _ path: JSONPath) -> Bool {
        if KnownRegions.all.contains(region) { return true }
        if let near = Suggest.closest(to: region, among: KnownRegions.all) {
            context.error(path, "unknown region \"\(region)\" (did you mean \"\(near)\"?)")
            return false
        }
        guard KnownRegions.isWellFormed(region) else {
            context.error(path, "\"\(region)\" is not a region name such as \"ap-guangzhou\"")
            return false
        }
        context.warning(path, "region \"\(region)\" is not one Tattle knows; check the spelling")
        return true
    }

    private func variableName(_ name: String?, _ path: JSONPath) -> String? {
        guard let name else { return nil }
        if name.hasPrefix("AKID") && name.count >= 20 {
            context.error(
                path,
                "this looks like a SecretId itself; name the environment variable that holds it (secrets never "
                    + "go in the rules file)")
            return nil
        }
        let valid =
            !name.isEmpty && !(name.first!.isNumber)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        guard valid else {
            context.error(path, "\"\(name)\" is not an environment variable name (letters, digits and _)")
            return nil
        }
        return name
    }

    private func roleArn(_ arn: String?, _ path: JSONPath) -> String? {
        guard let arn else { return nil }
        // qcs::cam::uin/<owner uin>:roleName/<name>
        let prefix = "qcs::cam::uin/"
        let parts = arn.dropFirst(prefix.count).split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard arn.hasPrefix(prefix), parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isNumber),
            parts[1].hasPrefix("roleName/"), parts[1].count > "roleName/".count
        else {
            context.error(path, "\"\(arn)\" is not a role ARN such as qcs::cam::uin/100000000001:roleName/tattle")
            return nil
        }
        return arn
    }

    static func isAccountName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        let plain = { (byte: UInt8) in (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        return plain(bytes[0]) && bytes.allSatisfy { plain($0) || $0 == 0x2D || $0 == 0x5F }
    }

    static func isEndpoint(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.lowercased().hasPrefix(scheme) {
            var rest = text.dropFirst(scheme.count)
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            return !rest.isEmpty && !rest.contains(where: { "/?#@ ".contains($0) })
        }
        return false
    }
}
