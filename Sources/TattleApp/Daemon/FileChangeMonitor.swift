import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Reports changes in a set of directories through inotify: every event that can change what a path
/// in them resolves to or contains (create, delete, write, rename, attribute change), whatever the
/// name — so a ConfigMap's `..data` symlink swap is seen although no event ever names `rules.json`.
/// Reads are not events (a check that reads the files never wakes itself up).
///
/// The directories can be changed while the stream runs (``watch(_:)``). The blocking `poll(2)` runs
/// on its own thread, never on Swift's cooperative pool.
public final class FileChangeMonitor: Sendable {
    private struct State {
        var fd: Int32 = -1
        var watches: [String: Int32] = [:]
        var stopped = false
    }
    private let state = Mutex(State())
    private let initial: [String]

    /// Monitors `directories` (standardized; duplicates ignored).
    public init(directories: [URL]) {
        self.initial = Array(Set(directories.map { $0.standardizedFileURL.path })).sorted()
    }

    /// The directories watched now (those that existed when they were added).
    public var watched: [String] { state.withLock { $0.watches.keys.sorted() } }

    /// A stream that yields once per batch of changes; it ends when ``stop()`` is called or the
    /// consuming task is cancelled. If inotify is unavailable the stream ends at once.
    public func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        #if canImport(Glibc)
            let fd = inotify_init1(Int32(IN_CLOEXEC))
            guard fd >= 0 else {
                continuation.finish()
                return stream
            }
            state.withLock { $0.fd = fd }
            watch(initial)
            continuation.onTermination = { [self] _ in self.stop() }
            let thread = Thread { [self] in
                defer {
                    state.withLock { $0.fd = -1 }
                    close(fd)
                }
                var buffer = [UInt8](repeating: 0, count: 8192)
                while !state.withLock({ $0.stopped }) {
                    var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&descriptor, 1, 250) > 0 else { continue }
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count > 0 { continuation.yield() }
                }
                continuation.finish()
            }
            thread.name = "tattle-inotify"
            thread.start()
        #else
            continuation.finish()
        #endif
        return stream
    }

    /// Watches exactly `directories` from now on: adds the new ones (those that exist), drops the others.
    public func watch(_ directories: [String]) {
        #if canImport(Glibc)
            let wanted = Set(directories.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
            let mask =
                UInt32(IN_MODIFY) | UInt32(IN_ATTRIB) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_FROM)
                | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_DELETE_SELF)
                | UInt32(IN_MOVE_SELF)
            state.withLock { state in
                guard state.fd >= 0 else { return }
                for (directory, descriptor) in state.watches where !wanted.contains(directory) {
                    inotify_rm_watch(state.fd, descriptor)
                    state.watches[directory] = nil
                }
                for directory in wanted where state.watches[directory] == nil {
                    let descriptor = inotify_add_watch(state.fd, directory, mask)
                    if descriptor >= 0 { state.watches[directory] = descriptor }
                }
            }
        #endif
    }

    /// Stops the monitoring thread (within about 250 ms).
    public func stop() { state.withLock { $0.stopped = true } }
}
