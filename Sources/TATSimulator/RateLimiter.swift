/// The per-action request limit of the TAT API (20 requests/s, tat-api.md §3), as a sliding one-second
/// window over the requests it admitted. Pure: the caller passes the monotonic time.
struct RateLimiter: Sendable {
    /// Requests admitted per action within `window`; nil means unlimited.
    var limit: Int?
    /// The window length. Default 1 s.
    var window: Duration = .seconds(1)
    private var admitted: [String: [Duration]] = [:]

    init(limit: Int?, window: Duration = .seconds(1)) {
        self.limit = limit
        self.window = window
    }

    /// Whether a request for `action` at monotonic time `now` is admitted; records it when it is.
    mutating func admit(_ action: String, at now: Duration) -> Bool {
        guard let limit else { return true }
        var stamps = admitted[action, default: []]
        let cutoff = now - window
        if let firstKept = stamps.firstIndex(where: { $0 > cutoff }) {
            stamps.removeFirst(firstKept)
        } else {
            stamps.removeAll()
        }
        guard stamps.count < limit else {
            admitted[action] = stamps
            return false
        }
        stamps.append(now)
        admitted[action] = stamps
        return true
    }

    /// Forgets every admitted request.
    mutating func reset() { admitted.removeAll() }
}
