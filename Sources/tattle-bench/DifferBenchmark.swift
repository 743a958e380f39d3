import Events
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The pure differ on a large snapshot: 100,000 invocations × 10 tasks, half of them RUNNING.
/// Figures: a quiet cycle (nothing changed; the budget is 150 ms), a cycle with 1% of invocations
/// changed, and two baselines measured in the same run — the bare snapshot lookups (the floor) and a
/// naive differ that builds a task map for every invocation.
enum DifferBenchmark {
    static func run(invocations count: Int = 100_000, tasksPer: Int = 10, rounds: Int = 5) {
        let origin = Date(timeIntervalSince1970: 1_764_000_000)
        let statuses: [TaskStatus] = [.success, .running, .failed]
        var observed: [ObservedInvocation] = []
        observed.reserveCapacity(count)
        for index in 0..<count {
            let tasks = (0..<tasksPer).map { slot in
                ObservedTask(
                    id: "invt-\(index)-\(slot)", instanceId: "ins-\(slot)", status: statuses[(index + slot) % 3])
            }.sorted { $0.id < $1.id }
            observed.append(
                ObservedInvocation(
                    id: "inv-\(index)", status: index % 2 == 0 ? .running : .success, createdTime: origin,
                    timeout: 3600, tasks: tasks))
        }
        let differ = Differ()
        var snapshot: [String: InvocationState] = [:]
        differ.baseline(observed: observed, now: origin, region: "bench").apply(to: &snapshot)
        let later = origin.addingTimeInterval(10)
        var changed = observed
        for index in stride(from: 0, to: count, by: 100) { changed[index].tasks[0].status = .terminated }

        print("differ: \(count) invocations × \(tasksPer) tasks, best of \(rounds)")
        report("baseline: snapshot lookups only") {
            var found = 0
            for observation in observed where snapshot[observation.id] != nil { found += 1 }
            return found
        }
        report("baseline: naive per-invocation task maps") {
            var differing = 0
            for observation in observed {
                guard let state = snapshot[observation.id] else { continue }
                let byId = Dictionary(uniqueKeysWithValues: state.tasks.map { ($0.id, $0.status) })
                if observation.tasks.contains(where: { byId[$0.id] != $0.status }) { differing += 1 }
            }
            return differing
        }
        report("differ: quiet cycle (budget 150 ms)") {
            differ.diff(previous: snapshot, observed: observed, now: later, region: "bench").events.count
        }
        report("differ: 1% of invocations changed") {
            differ.diff(previous: snapshot, observed: changed, now: later, region: "bench").events.count
        }
    }

    private static func report(_ name: String, rounds: Int = 5, _ body: () -> Int) {
        var best = Double.infinity
        var bestCPU = Double.infinity
        var result = 0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let cpuStart = threadCPUSeconds()
            result = body()
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let wall = String(format: "%.1f", best * 1000)
        let cpu = String(format: "%.1f", bestCPU * 1000)
        print("  \(name): \(wall) ms wall, \(cpu) ms CPU (result \(result))")
    }

    /// CPU time of the calling thread (the figure least disturbed by other processes on a shared box).
    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
