/// Bulk creation of a realistic backlog, for polling-economy tests and benchmarks.
extension Fleet {
    /// Creates `count` finished invocations spread over the past (newest 11 minutes ago, 30 s apart)
    /// and `active` RUNNING ones created in the last ten minutes, each ending 1–15 minutes from now, so
    /// newest first lists the running ones before the finished ones.
    mutating func seedRetained(count: Int, active: Int) {
        let now = self.now
        for index in 0..<max(count, 0) {
            let created = now - .seconds(660) - .seconds(30) * (count - index)
            insert(generator.retainedSpec(at: created))
        }
        for index in 0..<max(active, 0) {
            let created = now - .seconds(600) + .milliseconds(Int64(600_000 / max(active, 1)) * Int64(index))
            let endsIn = (now - created) + generator.random.duration(in: .seconds(60)...(.seconds(900)))
            insert(generator.runningSpec(at: created, endsIn: endsIn))
        }
    }
}
