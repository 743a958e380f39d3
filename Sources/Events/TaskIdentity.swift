/// A task's id and instance, packed (a ``CompactID`` and an index into ``StringTable/instances``):
/// what a poll's ``ObservedTask`` and a snapshot's ``TaskState`` share, so the differ compares them
/// as integers.
package struct TaskIdentity: Sendable, Hashable {
    package private(set) var packedID: CompactID
    package private(set) var instance: UInt32

    /// Packs `id` and interns `instanceId`.
    package init(id: String, instanceId: String) {
        packedID = CompactID(id)
        instance = StringTable.instances.index(of: instanceId)
    }

    /// `invt-…`
    package var id: String {
        get { packedID.string }
        set { packedID = CompactID(newValue) }
    }

    /// `ins-…`, `lhins-…` or a managed instance id.
    package var instanceId: String {
        get { StringTable.instances.string(at: instance) }
        set { instance = StringTable.instances.index(of: newValue) }
    }
}
