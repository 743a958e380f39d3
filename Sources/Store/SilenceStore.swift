import Foundation
import Outbox

/// The silences half of the state database: what `tattle silence`, the admin API and the status
/// page use. The SQLite implementation is ``SQLiteStore``; its ``StateStore/commit(_:)`` applies the
/// silences active at commit time to the notifications it stores, in the same transaction.
///
/// Ids are chosen by the caller (``Silence/newID()``); times are the caller's (inject a clock).
public protocol SilenceStore: Sendable {
    /// Stores a new silence after ``Silence/validate()``.
    ///
    /// - Throws: ``SilenceError`` when the silence is invalid; ``StoreError`` when its id exists.
    func addSilence(_ silence: Silence) async throws
    /// Silences active at `now` (`startsAt <= now < endsAt`), soonest to end first.
    func activeSilences(at now: Date) async throws -> [Silence]
    /// Every stored silence, active, pending or ended, newest `startsAt` first, at most `limit`.
    func allSilences(limit: Int) async throws -> [Silence]
    /// The silence with this id, or `nil`.
    func silence(id: String) async throws -> Silence?
    /// Ends the silence now: its `endsAt` becomes `now` if it was later (a silence that has not
    /// started yet ends before it begins: `startsAt` moves to `now` too). Returns the silence as
    /// stored afterwards, or `nil` when there is no such id. Expiring an ended silence changes nothing.
    @discardableResult func expireSilence(id: String, at now: Date) async throws -> Silence?
}
