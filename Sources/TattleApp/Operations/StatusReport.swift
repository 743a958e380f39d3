import Coordination
import Events
import Foundation
import Outbox
import Rules
import Store

/// What the status page shows, read in one go from the ``StatusSources``.
struct StatusReport: Sendable {
    /// One receiver: its type (nil when only the outbox still knows it) and its backlog.
    struct ReceiverLine: Sendable {
        var name: String
        var type: String?
        var backlog: ReceiverBacklog
    }

    var generatedAt: Date
    var regions: [RegionStatus]
    /// With several replicas: who is live and what each owns; nil for a single process.
    var ownership: Ownership? = nil
    var receivers: [ReceiverLine]
    /// Every state column to show: the known ones in pipeline order, then any other state the
    /// outbox holds (a state added later shows up without a change here).
    var stateColumns: [String]
    var events: [RecordedEvent]
    var deadLetters: [OutboxRow]
    var silences: [Silence]
    var reload: ReloadStatus.Snapshot
    var rulesFile: String
    var adminEnabled: Bool

    /// How many recent events and dead letters the page lists.
    static let listLimit = 50
    static let knownStates = ["pending", "retrying", "in_flight", "held", "dead", "silenced", "delivered"]

    /// Pending, retrying and dead always; other known states when some row has them; then any
    /// state this code does not know, by name.
    static func stateColumns(seen: Set<String>) -> [String] {
        knownStates.filter { ["pending", "retrying", "dead"].contains($0) || seen.contains($0) }
            + seen.subtracting(knownStates).sorted()
    }

    static func gather(_ sources: StatusSources) async throws -> StatusReport {
        let now = sources.now()
        let backlogs = try await sources.store.receiverBacklogs(now: now)
        let configured = sources.holder.current.ruleSet.receivers
        var lines: [String: ReceiverLine] = [:]
        for (name, receiver) in configured {
            lines[name] = ReceiverLine(
                name: name, type: receiver.platform.rawValue, backlog: ReceiverBacklog(receiver: name))
        }
        for backlog in backlogs {
            lines[backlog.receiver, default: ReceiverLine(name: backlog.receiver, type: nil, backlog: backlog)]
                .backlog = backlog
        }
        let columns = stateColumns(seen: Set(backlogs.flatMap(\.counts.keys)))
        return StatusReport(
            generatedAt: now, regions: await sources.regions(), ownership: sources.ownership(),
            receivers: lines.values.sorted { $0.name < $1.name }, stateColumns: columns,
            events: try await sources.store.recentEvents(limit: listLimit),
            deadLetters: try await sources.store.rows(in: [.dead], limit: listLimit),
            silences: try await sources.store.activeSilences(at: now),
            reload: sources.reloadStatus.current(in: sources.holder), rulesFile: sources.rulesFile,
            adminEnabled: sources.token.isEnabled)
    }
}
