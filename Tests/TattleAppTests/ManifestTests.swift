import Foundation
import Rules
import Testing

/// The Kubernetes manifests, alerting rules and dashboard in `deploy/` against the Dockerfile and the
/// documented metrics: paths, port, user and variables must be the image's, or the pod would not start
/// (or would start and watch nothing).
@Suite("Deployment manifests match the Dockerfile")
struct ManifestTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let kubernetes = repository.appendingPathComponent("deploy/kubernetes/base")

    /// Every document of a YAML file as JSON objects (PyYAML, from `Tests/python/requirements.txt`).
    static func documents(_ file: URL) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))",
            file.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with PyYAML could not read \(file.path)")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// The Dockerfile's runtime stage (from `FROM debian`), continuation lines joined.
    static func runtimeStage() throws -> [String] {
        let text = try String(contentsOf: repository.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let joined = text.replacingOccurrences(of: "\\\n", with: " ")
        let lines = joined.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("FROM debian") })
        return Array(lines[start...])
    }

    struct Image {
        var environment: [String: String] = [:]
        var port = ""
        var volume = ""
        var uid = ""
        var healthPath = ""
    }

    static func image() throws -> Image {
        var image = Image()
        for line in try runtimeStage() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "ENV":
                for pair in words.dropFirst() {
                    let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    if parts.count == 2 { image.environment[parts[0]] = parts[1] }
                }
            case "EXPOSE": image.port = words[1]
            case "VOLUME": image.volume = words[1].trimmingCharacters(in: CharacterSet(charactersIn: "[]\""))
            case "RUN":
                if let index = words.firstIndex(of: "--uid") { image.uid = words[index + 1] }
            case "HEALTHCHECK":
                let url = words.first { $0.contains("/healthz") } ?? ""
                image.healthPath = url.contains("/healthz") ? "/healthz" : ""
            default: break
            }
        }
        return image
    }

    static func all() throws -> [[String: Any]] {
        let kustomization = try #require(try documents(kubernetes.appendingPathComponent("kustomization.yaml")).first)
        let resources = try #require(kustomization["resources"] as? [String])
        return try resources.flatMap { try documents(kubernetes.appendingPathComponent($0)) }
    }

    static func object(_ kind: String, in documents: [[String: Any]]) throws -> [String: Any] {
        try #require(documents.first { $0["kind"] as? String == kind }, "no \(kind) in deploy/kubernetes")
    }

    @Test("kustomization lists every manifest, and the image it renames is the Deployment's")
    func kustomization() throws {
        let kustomization = try #require(
            try Self.documents(Self.kubernetes.appendingPathComponent("kustomization.yaml")).first)
        let resources = Set(try #require(kustomization["resources"] as? [String]))
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.kubernetes.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }
        #expect(resources == Set(files))
        let images = try #require(kustomization["images"] as? [[String: Any]])
        let deployment = try Self.object("Deployment", in: try Self.all())
        #expect(images.map { $0["name"] as? String } == [Self.container(deployment)["image"] as? String])
    }

    static func container(_ deployment: [String: Any]) -> [String: Any] {
        let spec = (deployment["spec"] as? [String: Any])?["template"] as? [String: Any]
        let pod = spec?["spec"] as? [String: Any]
        return (pod?["containers"] as? [[String: Any]])?.first ?? [:]
    }

    static func pod(_ deployment: [String: Any]) -> [String: Any] {
        (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
    }

    @Test("one writer: one replica, strategy Recreate, state on a PersistentVolumeClaim at the image's VOLUME")
    func oneWriter() throws {
        let documents = try Self.all()
        let deployment = try Self.object("Deployment", in: documents)
        let spec = try #require(deployment["spec"] as? [String: Any])
        #expect(spec["replicas"] as? Int == 1)
        #expect((spec["strategy"] as? [String: Any])?["type"] as? String == "Recreate")
        let image = try Self.image()
        let mounts = try #require(Self.container(deployment)["volumeMounts"] as? [[String: Any]])
        let state = try #require(mounts.first { $0["mountPath"] as? String == image.volume })
        let volumes = try #require(Self.pod(deployment)["volumes"] as? [[String: Any]])
        let claim = volumes.first { $0["name"] as? String == state["name"] as? String }?["persistentVolumeClaim"]
        let claimName = try #require((claim as? [String: Any])?["claimName"] as? String)
        let pvc = try Self.object("PersistentVolumeClaim", in: documents)
        #expect((pvc["metadata"] as? [String: Any])?["name"] as? String == claimName)
    }

    @Test("environment, port, probes and scrape annotations are the image's")
    func environmentAndPort() throws {
        let documents = try Self.all()
        let deployment = try Self.object("Deployment", in: documents)
        let container = Self.container(deployment)
        let image = try Self.image()
        let pairs = try #require(container["env"] as? [[String: Any]])
        let environment = Dictionary(
            uniqueKeysWithValues: pairs.compactMap { pair in
                (pair["name"] as? String).map { ($0, pair["value"] as? String ?? "") }
            })
        // Every variable the image sets is set (TATTLE_RULES moves into the ConfigMap's directory).
        #expect(Set(image.environment.keys).isSubset(of: Set(environment.keys)))
        for (name, value) in image.environment where name != "TATTLE_RULES" {
            #expect(environment[name] == value, "\(name)")
        }
        // Every other variable is one the README documents.
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for name in environment.keys { #expect(readme.contains("`\(name)`"), "\(name) is not documented") }

        let listenPort = try #require(environment["TATTLE_LISTEN"]?.split(separator: ":").last.map(String.init))
        #expect(listenPort == image.port)
        let ports = try #require(container["ports"] as? [[String: Any]])
        #expect(ports.map { $0["containerPort"] as? Int } == [Int(image.port)])
        let portName = try #require(ports.first?["name"] as? String)
        for (probe, path) in [("livenessProbe", image.healthPath), ("readinessProbe", "/readyz")] {
            let get = (container[probe] as? [String: Any])?["httpGet"] as? [String: Any]
            #expect(get?["path"] as? String == path, "\(probe)")
            #expect(get?["port"] as? String == portName, "\(probe)")
        }
        let annotations =
            ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any]).flatMap {
                ($0["metadata"] as? [String: Any])?["annotations"] as? [String: String]
            } ?? [:]
        #expect(annotations["prometheus.io/scrape"] == "true")
        #expect(annotations["prometheus.io/port"] == image.port)
        #expect(annotations["prometheus.io/path"] == "/metrics")
    }

    @Test("runs as the image's non-root user on a read-only root without capabilities, with sized resources")
    func security() throws {
        let deployment = try Self.object("Deployment", in: try Self.all())
        let image = try Self.image()
        let pod = try #require(Self.pod(deployment)["securityContext"] as? [String: Any])
        #expect(pod["runAsNonRoot"] as? Bool == true)
        #expect(pod["runAsUser"] as? Int == Int(image.uid))
        #expect(pod["fsGroup"] as? Int == Int(image.uid))
        let container = Self.container(deployment)
        let context = try #require(container["securityContext"] as? [String: Any])
        #expect(context["readOnlyRootFilesystem"] as? Bool == true)
        #expect(context["allowPrivilegeEscalation"] as? Bool == false)
        #expect((context["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
        let resources = try #require(container["resources"] as? [String: Any])
        let request = try #require((resources["requests"] as? [String: Any])?["memory"] as? String)
        let limit = try #require((resources["limits"] as? [String: Any])?["memory"] as? String)
        func mebibytes(_ text: String) -> Int? { text.hasSuffix("Mi") ? Int(text.dropLast(2)) : nil }
        let requested = try #require(mebibytes(request))
        #expect(try #require(mebibytes(limit)) >= requested)
    }

    @Test("the rules come from the ConfigMap as a directory (no subPath), and its rules load")
    func rulesConfigMap() throws {
        let documents = try Self.all()
        let deployment = try Self.object("Deployment", in: documents)
        let container = Self.container(deployment)
        let pairs = try #require(container["env"] as? [[String: Any]])
        let rulesPath = try #require(pairs.first { $0["name"] as? String == "TATTLE_RULES" }?["value"] as? String)
        let directory = URL(fileURLWithPath: rulesPath).deletingLastPathComponent().path
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        let mount = try #require(mounts.first { $0["mountPath"] as? String == directory })
        #expect(mount["subPath"] == nil)
        let volumes = try #require(Self.pod(deployment)["volumes"] as? [[String: Any]])
        let volume = try #require(volumes.first { $0["name"] as? String == mount["name"] as? String })
        let configMapName = try #require((volume["configMap"] as? [String: Any])?["name"] as? String)
        let configMap = try #require(
            documents.first {
                $0["kind"] as? String == "ConfigMap"
                    && ($0["metadata"] as? [String: Any])?["name"] as? String == configMapName
            })
        let key = URL(fileURLWithPath: rulesPath).lastPathComponent
        let rules = try #require((configMap["data"] as? [String: String])?[key])
        let (ruleSet, diagnostics) = RuleSet.load(
            data: Data(rules.utf8), resolver: StaticReferenceResolver(variables: ["WECOM_OPS_KEY": "k"]))
        #expect(ruleSet != nil, "\(diagnostics)")
        // The Secret the pod reads its variables from exists, and the TKE role annotation is shown.
        let secretNames = (container["envFrom"] as? [[String: Any]] ?? []).compactMap {
            ($0["secretRef"] as? [String: Any])?["name"] as? String
        }
        let secret = try Self.object("Secret", in: documents)
        #expect(secretNames == [(secret["metadata"] as? [String: Any])?["name"] as? String])
        let serviceAccount = try String(
            contentsOf: Self.kubernetes.appendingPathComponent("serviceaccount.yaml"), encoding: .utf8)
        #expect(serviceAccount.contains("#   tke.cloud.tencent.com/role-arn:"))
        #expect(Self.pod(deployment)["serviceAccountName"] as? String == "tattle")
    }

    @Test("alerts and dashboard use only documented metrics")
    func metrics() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        for file in ["deploy/prometheus/tattle-alerts.yaml", "deploy/grafana/tattle-dashboard.json"] {
            let text = try String(contentsOf: Self.repository.appendingPathComponent(file), encoding: .utf8)
            var names = Set<String>()
            var rest = Substring(text)
            while let start = rest.range(of: "tattle_") {
                let name = rest[start.lowerBound...].prefix { $0.isLetter || $0 == "_" }
                names.insert(
                    String(name).replacingOccurrences(of: "_sum", with: "")
                        .replacingOccurrences(of: "_count", with: ""))
                rest = rest[start.upperBound...]
            }
            #expect(!names.isEmpty)
            for name in names where name != "tattle_" { #expect(readme.contains("`\(name)"), "\(file): \(name)") }
        }
    }
}
