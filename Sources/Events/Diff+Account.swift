extension Diff {
    /// Labels every event with the account the cycle watched. The differ knows only the region; for a
    /// named account each id is rehashed with the account's name (``EventID/scoped(_:account:)``), so
    /// two accounts never share an event id (nor an outbox row) even if the same invocation id shows
    /// up in both; the default account keeps the ids it always had.
    /// - Parameters:
    ///   - account: the account's name.
    ///   - scopesIds: whether ids are scoped to the account (true for every account but the default).
    public mutating func attribute(toAccount account: String, scopesIds: Bool) {
        for index in events.indices {
            events[index].account = account
            if scopesIds { events[index].id = EventID.scoped(events[index].id, account: account) }
        }
    }
}
