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

    /// Adds what a listing read beside this reading (discovery, beside the refresh by id). Where
    /// both observed an invocation, this reading's observation stands: the two answers are about as
    /// old, and the refresh's is the one the cycle's early enrichment was chosen from.
    mutating func absorb(_ listing: CycleReading) {
        observed.merge(listing.observed) { byId, _ in byId }
        absent.formUnion(listing.absent)
        quarantined.formUnion(listing.quarantined)
        malformedRows += listing.malformedRows
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
