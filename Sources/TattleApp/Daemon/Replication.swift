import Coordination
import Delivery
import Foundation
import Logging
import Pipeline
import Rules
import Store
import Synchronization
import Watcher

/// The daemon's side of sharing the work with other replicas on one database (`--store
/// postgres://…`): the ``Coordinator`` decides which units and lanes this replica owns, and this
/// applies it — the supervisor runs the owned units' pollers (configured ∩ owned), commits are
/// fenced with the unit's lease, the dispatcher claims the owned lanes only.
///
/// With the SQLite store there is no replication: one process owns everything and commits unfenced.
final class Replication: Sendable {
    let coordinator: Coordinator
    /// The parts the coordinator drives, set by ``attach(supervisor:dispatcher:sink:)``.
    private final class Links: Sendable {
        struct Parts {
            var supervisor: WatchSupervisor?
            var dispatcher: Dispatcher?
            var sink: RulesCommitSink?
            var stopped = false
        }
        let parts = Mutex(Parts())
        func withLock<T>(_ body: (inout Parts) -> T) -> T { parts.withLock { body(&$0) } }
    }
    private let links = Links()
    private let clients: AccountClients
    private let logger: Logger

    /// - Parameters:
    ///   - pollInterval: the lease timing follows it (``Coordinator/Configuration/init(pollInterval:)``).
    ///   - holder: the rules in force (their receivers are the lanes).
    ///   - clients: the configured accounts (their units are shared out).
    init(store: any LeaseStore, pollInterval: Duration, holder: RulesHolder, clients: AccountClients, logger: Logger) {
        self.clients = clients
        self.logger = logger
        let links = links
        coordinator = Coordinator(
            configuration: Coordinator.Configuration(pollInterval: pollInterval), store: store,
            units: { clients.units.map(\.key) }, lanes: { Array(holder.current.ruleSet.receivers.keys) },
            laneIdle: { lane in links.withLock { $0.dispatcher }?.isIdle(lane: lane) ?? true },
            apply: { [clients, links] ownership in
                let (supervisor, dispatcher, sink, stopped) = links.withLock { ($0.supervisor, $0.dispatcher, $0.sink, $0.stopped) }
                let wanted = stopped ? [] : clients.units.filter { ownership.units[$0.key] != nil }
                if let change = await supervisor?.reconcile(to: wanted), !change.started.isEmpty {
                    // The units taken over carry the noise memory their previous owner committed.
                    do { try await sink?.reloadNoiseMemory() } catch {
                        logger.warning("noise memory not reloaded", metadata: ["error": "\(error)"])
                    }
                }
                dispatcher?.wake()
            },
            logger: Logger(label: "tattle.coordination"))
    }

    /// Connects the parts the coordinator drives (they are built after it: they need its fencing).
    func attach(supervisor: WatchSupervisor, dispatcher: Dispatcher, sink: RulesCommitSink) {
        links.withLock {
            $0.supervisor = supervisor
            $0.dispatcher = dispatcher
            $0.sink = sink
        }
    }

    /// Every unit commit is fenced with its lease; a refusal drops the unit.
    var fencing: UnitFencing {
        let coordinator = coordinator
        return UnitFencing(lease: { coordinator.fence(unit: $0) }, refused: { coordinator.fenced($0) })
    }

    /// The lanes the dispatcher may claim: the owned ones.
    var lanes: @Sendable () -> Set<String>? {
        let coordinator = coordinator
        return { coordinator.ownership.laneNames }
    }

    /// `reader` for `unit`, calling the API only while the unit is owned (see ``GatedReader/owned(_:unit:owns:)``).
    func guarded(_ reader: any TATReader, unit: WatchUnit) -> any TATReader {
        let coordinator = coordinator
        return GatedReader.owned(reader, unit: unit.key, owns: { coordinator.fence(unit: $0) != nil })
    }

    /// What this replica owns, read without waiting (readiness, the status page).
    var ownership: @Sendable () -> Ownership {
        let coordinator = coordinator
        return { coordinator.ownership }
    }

    /// The units to poll now: configured and owned.
    func wanted() -> [WatchUnit] {
        let owned = coordinator.ownership.unitKeys
        return links.withLock { $0.stopped } ? [] : clients.units.filter { owned.contains($0.key) }
    }

    /// Polling has stopped for good (graceful shutdown): later rounds start nothing.
    func stopPolling() { links.withLock { $0.stopped = true } }
}
