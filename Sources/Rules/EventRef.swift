import Events

/// An event behind a reference (kept for callers that hold one; matching takes the event itself).
final class EventRef: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}
