import CCurl
import Foundation
import Synchronization

/// The libcurl multi handle and the one thread that drives it.
///
/// The thread runs `curl_multi_perform` → `curl_multi_info_read` → `curl_multi_poll`; other
/// threads only queue work in the ``Inbox`` and call `curl_multi_wakeup` (documented thread-safe),
/// so no libcurl call ever blocks Swift's cooperative pool.
final class TransferLoop: Sendable {
    /// Work handed to the loop thread.
    private struct Inbox {
        var added: [Transfer] = []
        var cancelled: [Transfer] = []
        var isShutDown = false
    }

    /// The multi handle. `nonisolated(unsafe)` because only `curl_multi_wakeup` (thread-safe, and only
    /// while the inbox says the loop still runs) is called off the loop thread; all else is on it.
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())

    /// Creates the multi handle and starts the loop thread.
    init(maxConnectionsPerHost: Int) {
        guard let multi = curl_multi_init() else {
            preconditionFailure("curl_multi_init failed: libcurl is out of memory")
        }
        self.multi = multi
        _ = tattle_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnectionsPerHost))
        let thread = Thread { [self] in run() }
        thread.name = "tattle.curl"
        thread.start()
    }

    /// Queues a configured transfer; `false` once the loop has shut down.
    func submit(_ transfer: Transfer) -> Bool {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return false }
            inbox.added.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
    }

    /// Asks the loop to drop `transfer` and resume its task with `.cancelled`.
    func cancel(_ transfer: Transfer) {
        transfer.markCancelled()
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            inbox.cancelled.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Stops the thread; queued and running transfers end with `.cancelled`. Idempotent.
    func shutdown() {
        inbox.withLock { inbox in
            guard !inbox.isShutDown else { return }
            inbox.isShutDown = true
            curl_multi_wakeup(multi)
        }
    }

    /// The loop thread's body.
    private func run() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (added, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.added = []
                    inbox.cancelled = []
                }
                return (inbox.added, inbox.cancelled, inbox.isShutDown)
            }
            for transfer in added {
                if stopping || transfer.isCancelled {
                    transfer.completeCancelled()
                } else if curl_multi_add_handle(multi, transfer.easy) == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    transfer.finish(
                        .failure(
                            CurlError(
                                code: .other, message: "curl_multi_add_handle failed (\(transfer.redactor.target))",
                                isRetryable: true)))
                }
            }
            for transfer in cancelled where active.removeValue(forKey: transfer.easy) != nil {
                curl_multi_remove_handle(multi, transfer.easy)
                transfer.completeCancelled()
            }
            if stopping { break }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result  // read before the handle is removed
                guard let transfer = active.removeValue(forKey: easy) else { continue }
                curl_multi_remove_handle(multi, easy)
                if transfer.isCancelled {
                    transfer.completeCancelled()
                } else {
                    transfer.complete(with: code)
                }
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        for (easy, transfer) in active {
            curl_multi_remove_handle(multi, easy)
            transfer.completeCancelled()
        }
        active = [:]
        curl_multi_cleanup(multi)
    }
}
