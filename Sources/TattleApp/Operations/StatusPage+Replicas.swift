import Coordination
import Foundation
import Store

extension StatusPage {
    /// With several replicas on one database: every live replica, what it owns (units and lanes,
    /// each with its fencing term) and when its heartbeat lapses; this replica is marked. Empty for
    /// a single process.
    static func replicas(_ report: StatusReport) -> String {
        guard let ownership = report.ownership else { return "" }
        var html = table(
            "Replicas", id: "replicas", headers: ["replica", "started", "heartbeat lapses", "units", "lanes"])
        if let problem = ownership.problem {
            html += empty(5, "<span class=\"bad\">lease renewal failing: \(h(problem))</span>")
        }
        for replica in ownership.replicas {
            let mine = replica.id == ownership.replica
            let leases = ownership.leases.filter { $0.holder == replica.id }
            func names(_ kind: LeaseKind) -> String {
                let held = leases.filter { $0.kind == kind }.sorted { $0.name < $1.name }
                if held.isEmpty { return "<span class=\"muted\">none</span>" }
                return held.map { "\(h($0.name)) <span class=\"muted\">term \($0.term)</span>" }.joined(separator: "<br>")
            }
            html +=
                "<tr data-replica=\"\(h(replica.id))\"><td><code>\(h(replica.id))</code>"
                + (mine ? " <span class=\"ok\">this replica</span>" : "") + "</td>"
                + "<td>\(when(replica.startedAt, now: report.generatedAt))</td>"
                + "<td>\(when(replica.expiresAt, now: report.generatedAt))</td>"
                + "<td>\(names(.unit))</td><td>\(names(.lane))</td></tr>\n"
        }
        if ownership.replicas.isEmpty && ownership.problem == nil { html += empty(5, "no heartbeat yet") }
        return html + "</table>\n"
    }
}
