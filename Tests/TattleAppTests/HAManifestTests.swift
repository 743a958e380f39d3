import Foundation
import Testing

/// The HA variant in `deploy/kubernetes/ha`: an overlay of `deploy/kubernetes/base` that must really
/// turn the one-writer Deployment into several replicas on PostgreSQL. Read with PyYAML, as
/// ``ManifestTests`` does; no cluster and no kustomize binary needed.
@Suite("The HA manifests run several replicas on PostgreSQL")
struct HAManifestTests {
    static let overlay = ManifestTests.repository.appendingPathComponent("deploy/kubernetes/ha")

    static func file(_ name: String) throws -> [[String: Any]] {
        try ManifestTests.documents(overlay.appendingPathComponent(name))
    }

    @Test("the overlay builds on the base, lists its own files, and deletes the SQLite volume claim")
    func overlayStructure() throws {
        let kustomization = try #require(try Self.file("kustomization.yaml").first)
        let resources = try #require(kustomization["resources"] as? [String])
        #expect(resources.first == "../base")
        let patches = try #require(kustomization["patches"] as? [[String: Any]])
        let patchFiles = Set(patches.compactMap { $0["path"] as? String })
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.overlay.path)
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }
        #expect(Set(resources.dropFirst()).union(patchFiles) == Set(files))
        let inline = patches.compactMap { $0["patch"] as? String }.joined(separator: "\n")
        #expect(inline.contains("$patch: delete") && inline.contains("kind: PersistentVolumeClaim"))
        let claim = try ManifestTests.object("PersistentVolumeClaim", in: try ManifestTests.all())
        #expect(inline.contains("name: \((claim["metadata"] as? [String: Any])?["name"] as? String ?? "?")"))
    }

    @Test("several replicas, rolling updates, spread over nodes, a disruption budget")
    func replicas() throws {
        let patch = try #require(try Self.file("deployment-patch.yaml").first)
        let base = try ManifestTests.object("Deployment", in: try ManifestTests.all())
        #expect(
            (patch["metadata"] as? [String: Any])?["name"] as? String
                == (base["metadata"] as? [String: Any])?["name"] as? String)
        let spec = try #require(patch["spec"] as? [String: Any])
        #expect((spec["replicas"] as? Int ?? 0) >= 2)
        #expect((spec["strategy"] as? [String: Any])?["type"] as? String == "RollingUpdate")
        #expect(ManifestTests.pod(patch)["topologySpreadConstraints"] != nil)
        let budget = try #require(try Self.file("poddisruptionbudget.yaml").first)
        #expect(budget["kind"] as? String == "PodDisruptionBudget")
        #expect(((budget["spec"] as? [String: Any])?["maxUnavailable"] as? Int) == 1)
    }

    @Test("the database URL comes from a Secret, the password from a mounted file, the state volume is scratch")
    func database() throws {
        let patch = try #require(try Self.file("deployment-patch.yaml").first)
        let secret = try #require(try Self.file("postgres-secret.yaml").first)
        let secretName = try #require((secret["metadata"] as? [String: Any])?["name"] as? String)
        let keys = Set(((secret["stringData"] as? [String: String]) ?? [:]).keys)
        let container = ManifestTests.container(patch)
        let env = try #require(container["env"] as? [[String: Any]])
        let store = try #require(env.first { $0["name"] as? String == "TATTLE_STORE" })
        #expect(store["value"] == nil, "the URL must not be written into the Deployment")
        let reference = try #require(
            ((store["valueFrom"] as? [String: Any])?["secretKeyRef"]) as? [String: Any])
        #expect(reference["name"] as? String == secretName)
        #expect(keys.contains(reference["key"] as? String ?? "?"))
        let url = try #require((secret["stringData"] as? [String: String])?["url"])
        #expect(url.hasPrefix("postgres://") && !url.contains(":replace-me@"))

        let passwordFile = try #require(
            env.first { $0["name"] as? String == "TATTLE_STORE_PASSWORD_FILE" }?["value"] as? String)
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        let mount = try #require(mounts.first { passwordFile.hasPrefix(($0["mountPath"] as? String ?? "?") + "/") })
        let volumes = try #require(ManifestTests.pod(patch)["volumes"] as? [[String: Any]])
        let volume = try #require(volumes.first { $0["name"] as? String == mount["name"] as? String })
        #expect((volume["secret"] as? [String: Any])?["secretName"] as? String == secretName)
        let state = try #require(volumes.first { $0["name"] as? String == "state" })
        #expect(state["emptyDir"] != nil)
        #expect(state.keys.contains("persistentVolumeClaim") && state["persistentVolumeClaim"] is NSNull)
    }
}
