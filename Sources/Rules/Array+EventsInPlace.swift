import Events

/// Events read in place: `events[0]`, `events.first` and `for event in events` copy the whole event
/// (a retain per field), which shows on the evaluation and rendering paths.
extension [Event] {
    /// `body` applied to the first event. The array must not be empty.
    func withFirst<Result>(_ body: (Event) -> Result) -> Result {
        precondition(!isEmpty, "no first event")
        return withUnsafeBufferPointer { body($0.baseAddress.unsafelyUnwrapped.pointee) }
    }

    /// `body` applied to each event in order.
    func forEachInPlace(_ body: (Event) -> Void) {
        withUnsafeBufferPointer { events in
            guard let base = events.baseAddress else { return }
            for position in events.indices { body((base + position).pointee) }
        }
    }
}
