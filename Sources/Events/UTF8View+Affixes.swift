import Foundation

extension String.UTF8View {
    /// Whether these bytes start with the bytes of `prefix` (no Unicode normalisation). One
    /// `memcmp` over contiguous storage, which every native string has; the generic comparison
    /// otherwise.
    package func hasPrefix(_ prefix: String.UTF8View) -> Bool {
        guard prefix.count <= count else { return false }
        return compare(prefix, at: 0) ?? starts(with: prefix)
    }

    /// Whether these bytes end with the bytes of `suffix` (no Unicode normalisation).
    package func hasSuffix(_ suffix: String.UTF8View) -> Bool {
        guard suffix.count <= count else { return false }
        return compare(suffix, at: count - suffix.count) ?? reversed().starts(with: suffix.reversed())
    }

    /// Whether `other`'s bytes equal ours from byte `offset` on; `nil` without contiguous storage.
    private func compare(_ other: String.UTF8View, at offset: Int) -> Bool? {
        guard !other.isEmpty else { return true }
        let result: Bool?? = withContiguousStorageIfAvailable { mine in
            other.withContiguousStorageIfAvailable { theirs in
                memcmp(mine.baseAddress! + offset, theirs.baseAddress!, theirs.count) == 0
            }
        }
        return result ?? nil
    }
}
