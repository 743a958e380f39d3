import Events
import Foundation
import Outbox
import Rules
import Store
import Synchronization
import TencentCloud
import Watcher

/// A TAT API that lists invocations oldest first (the order is undocumented), all of them SUCCESS.
final class OldestFirstReader: TATReader {
    private let invocations = Mutex<[Invocation]>([])

    func add(count: Int) {
        invocations.withLock { list in
            for _ in 0..<count {
                let n = list.count
                list.append(
                    Invocation(
                        invocationId: String(format: "inv-%08d", n), invocationStatus: "SUCCESS",
                        invocationTaskBasicInfoSet: [
                            InvocationTaskBasicInfo(
                                invocationTaskId: String(format: "invt-%08d", n), taskStatus: "SUCCESS",
                                instanceId: "ins-1")
                        ], createdTime: Harness.origin.addingTimeInterval(Double(n))))
            }
        }
    }

    func describeInvocations(_ request: DescribeInvocationsRequest, region: String?) async throws
        -> DescribeInvocationsResponse
    {
        let list = invocations.withLock { $0 }
        if let ids = request.invocationIds {
            let found = list.filter { ids.contains($0.invocationId ?? "") }
            return DescribeInvocationsResponse(totalCount: found.count, invocationSet: found, requestId: "req-ids")
        }
        let offset = request.offset ?? 0
        let page = Array(list.dropFirst(offset).prefix(request.limit ?? 20))
        return DescribeInvocationsResponse(totalCount: list.count, invocationSet: page, requestId: "req-page")
    }

    func describeInvocationTasks(_ request: DescribeInvocationTasksRequest, region: String?) async throws
        -> DescribeInvocationTasksResponse
    {
        DescribeInvocationTasksResponse(totalCount: 0, invocationTaskSet: [], requestId: "req-tasks")
    }
}

/// A `StateStore` in memory: snapshots per region, applied as the SQLite store would.
final class MemoryStateStore: StateStore, SnapshotSource {
    private let regions = Mutex<[String: [String: InvocationState]]>([:])

    func loadSnapshot(region: String) async throws -> [InvocationState]? {
        regions.withLock { $0[region].map { Array($0.values) } }
    }

    func commit(_ commit: CycleCommit) async throws {
        regions.withLock { regions in
            var snapshot = regions[commit.region] ?? [:]
            if !commit.markBaselined && regions[commit.region] == nil { return }
            for state in commit.upserts { snapshot[state.id] = state }
            for id in commit.removals { snapshot[id] = nil }
            regions[commit.region] = snapshot
        }
    }

    func loadNoiseMemory() async throws -> InMemoryNoiseMemory { InMemoryNoiseMemory() }
}
