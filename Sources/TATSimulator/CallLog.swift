/// The bounded log of calls and the per-action counters behind `TATSimulator.calls` and `callCount`.
struct CallLog: Sendable {
    private(set) var records: [CallRecord] = []
    private(set) var counts: [String: Int] = [:]
    /// The sequence number of `records[0]`.
    private var base = 0
    private var next = 0

    /// Appends a record (dropping the oldest beyond `limit`) and returns its sequence number.
    mutating func append(_ record: CallRecord, limit: Int) -> Int {
        counts[record.action, default: 0] += 1
        records.append(record)
        if records.count > max(limit, 1) {
            let excess = records.count - max(limit, 1)
            records.removeFirst(excess)
            base += excess
        }
        defer { next += 1 }
        return next
    }

    /// Changes the record with sequence number `sequence`, if it is still kept.
    mutating func update(_ sequence: Int, _ change: (inout CallRecord) -> Void) {
        let index = sequence - base
        guard records.indices.contains(index) else { return }
        change(&records[index])
    }

    /// Forgets every record and count.
    mutating func reset() {
        records.removeAll()
        counts.removeAll()
        base = next
    }
}
