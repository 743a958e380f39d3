/// The temporary credentials of the CAM role bound to a CVM instance, from the metadata service.
///
/// They last a few hours; ``CredentialProvider`` fetches new ones when less than 5 minutes remain.
/// No metadata service or no role bound: nil.
public struct InstanceRoleCredentialSource: CredentialSource {
    /// The metadata service asked.
    public var metadata: MetadataService
    /// The role, once known. Default nil: asked of the metadata service on every fetch.
    public var role: String?

    /// Creates the source; `role` defaults to nil (discovered).
    public init(metadata: MetadataService, role: String? = nil) {
        self.metadata = metadata
        self.role = role
    }

    /// `CVM instance role <name>` (or `CVM instance role` before the name is known).
    public var name: String { "CVM instance role" + (role.map { " \($0)" } ?? "") }

    /// The source with the bound role's name filled in, or nil when no role is bound or there is no
    /// metadata service here.
    public func discovered() async throws(CredentialError) -> InstanceRoleCredentialSource? {
        if role != nil { return self }
        guard let name = try await metadata.roleName() else { return nil }
        return InstanceRoleCredentialSource(metadata: metadata, role: name)
    }

    /// The role's current credentials, or nil when no role is bound or there is no metadata service.
    public func resolve() async throws(CredentialError) -> ExpiringCredentials? {
        var name = role
        if name == nil { name = try await metadata.roleName() }
        guard let name else { return nil }
        return try await metadata.roleCredentials(name)
    }
}
