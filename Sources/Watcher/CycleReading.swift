import Events

/// Everything one cycle's listing calls saw, accumulated call by call and handed to the differ.
struct CycleReading {
    /// Well-formed invocations, by id (rows repeated across pages collapse here).
    var observed: [String: ObservedInvocation] = [:]
    /// Ids asked for by `InvocationIds` and not returned.
    var absent: Set<String> = []
    /// Ids returned broken (quarantined): they keep their last known state and are not absent.
    var quarantined: Set<String> = []
    /// Broken rows read, with or without an id (a page may repeat one).
    var malformedRows = 0

    /// Whether `id` was returned at all, well-formed or not.
    func saw(_ id: String) -> Bool { observed[id] != nil || quarantined.contains(id) }

    /// Adds what `later` read; where both observed an invocation, the later observation stands.
    mutating func absorb(_ later: CycleReading) {
        observed.merge(later.observed) { _, newer in newer }
        absent.formUnion(later.absent)
        quarantined.formUnion(later.quarantined)
        malformedRows += later.malformedRows
    }
}

/// One `DescribeInvocations` page, split into good rows and quarantined ones.
struct PageRead {
    /// The well-formed rows, in the order the API listed them.
    var rows: [ObservedInvocation]
    /// Ids of broken rows that had one.
    var quarantined: [String]
    /// Broken rows, with or without an id.
    var malformed: Int
    /// The page's `TotalCount`.
    var totalCount: Int

    /// All rows the API returned, broken ones included.
    var returned: Int { rows.count + malformed }
}
