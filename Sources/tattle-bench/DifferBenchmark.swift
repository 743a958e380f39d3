import Events
import Foundation
import Timekeeping

#if canImport(Glibc)
    import Glibc
#endif

/// The pure differ on a large snapshot: 100,000 invocations × 10 tasks, half of them RUNNING.
/// Figures: a quiet cycle (nothing changed; the budget is 150 ms), a cycle with 1% of invocations
/// changed, and two baselines measured in the same run — the bare snapshot lookups (the floor) and a
/// naive differ that builds a task map for every invocation.
enum DifferBenchmark {
    static func figures(invocations count: Int = 100_000, tasksPer: Int = 10, rounds: Int = 5) -> [Figure] {
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
                    id: "inv-\(index)", status: index % 2 == 0 ? .running : .success,
                    metadata: InvocationMetadata(createdTime: origin, timeout: 3600), tasks: tasks
                ))
        }
        let differ = Differ()
        var snapshot: [String: InvocationState] = [:]
        differ.baseline(observed: observed, now: origin, region: "bench").apply(to: &snapshot)
        let later = origin.addingTimeInterval(10)
        var changed = observed
        for index in stride(from: 0, to: count, by: 100) { changed[index].tasks[0].status = .terminated }

        var figures: [Figure] = []
        let floor = measure(rounds: rounds) {
            var found = 0
            for observation in observed where snapshot[observation.id] != nil { found += 1 }
            return found
        }
        let naive = measure(rounds: rounds) {
            var differing = 0
            for observation in observed {
                guard let state = snapshot[observation.id] else { continue }
                let byId = Dictionary(uniqueKeysWithValues: state.tasks.map { ($0.id, $0.status) })
                if observation.tasks.contains(where: { byId[$0.id] != $0.status }) { differing += 1 }
            }
            return differing
        }
        let quiet = measure(rounds: rounds) {
            differ.diff(previous: snapshot, observed: observed, now: later, region: "bench").events.count
        }
        let changedCycle = measure(rounds: rounds) {
            differ.diff(previous: snapshot, observed: changed, now: later, region: "bench").events.count
        }
        figures.append(
            Figure(
                name: "quiet cycle, \(count / 1000)k invocations × \(tasksPer) tasks", value: quiet.wall, unit: "ms",
                baseline: naive.wall, baselineName: "naive per-invocation task maps", target: "≤ 150",
                met: quiet.wall <= 150,
                note: String(
                    format: "best of %d; CPU %.1f ms; floor (bare snapshot lookups) %.1f ms wall",
                    rounds, quiet.cpu, floor.wall)))
        figures.append(
            Figure(
                name: "cycle with 1% of invocations changed", value: changedCycle.wall, unit: "ms",
                baseline: naive.wall, baselineName: "naive per-invocation task maps", target: "≤ 150",
                met: changedCycle.wall <= 150, note: "\(changedCycle.result) events"))
        return figures
    }

    private static func measure(rounds: Int, _ body: () -> Int) -> (wall: Double, cpu: Double, result: Int) {
        var best = Double.infinity
        var bestCPU = Double.infinity
        var result = 0
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let cpuStart = threadCPUSeconds()
            result = body()
            bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return (best * 1000, bestCPU * 1000, result)
    }
}
